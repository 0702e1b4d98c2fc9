package io.gantry.api.store;

/**
 * One change: a PUT (created when {@code entry.createRevision() == entry.modRevision()}) or a
 * DELETE, whose entry holds the last value and the revision of the delete.
 */
public record StoreEvent(Type type, StoredEntry entry) {

    public enum Type {
        PUT, DELETE
    }

    /** The revision of this change. */
    public long revision() {
        return entry.modRevision();
    }

    public boolean isCreate() {
        return type == Type.PUT && entry.createRevision() == entry.modRevision();
    }
}
