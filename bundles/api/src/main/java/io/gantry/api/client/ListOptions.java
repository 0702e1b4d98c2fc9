package io.gantry.api.client;

/**
 * Options of a list or watch, as in the query string: {@code labelSelector},
 * {@code fieldSelector}, and the {@code resourceVersion} a watch starts after.
 */
public record ListOptions(String labelSelector, String fieldSelector, String resourceVersion) {

    public static final ListOptions ALL = new ListOptions(null, null, null);

    public static ListOptions labels(String selector) {
        return new ListOptions(selector, null, null);
    }

    public static ListOptions fields(String selector) {
        return new ListOptions(null, selector, null);
    }

    /** The same selectors, from a revision. */
    public ListOptions from(String revision) {
        return new ListOptions(labelSelector, fieldSelector, revision);
    }
}
