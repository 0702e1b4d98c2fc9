package io.gantry.api.client;

/** One change seen by a watch: the object after an add or change, or as last stored before a delete. */
public record WatchEvent<T>(Type type, T object) {

    /** Kubernetes watch event types. */
    public enum Type {
        ADDED, MODIFIED, DELETED, BOOKMARK, ERROR
    }
}
