package io.gantry.api.client;

/**
 * Options of a list or watch, as in the query string: {@code labelSelector},
 * {@code fieldSelector}, and the {@code resourceVersion} a watch starts after; and, for the
 * client alone, whether the objects come without {@code metadata.managedFields}.
 *
 * @param stripManagedFields objects listed or watched come without {@code metadata.managedFields}
 *                           (not even read), as client-go's {@code TransformStripManagedFields}
 *                           gives kube-scheduler's and kube-controller-manager's informers: the
 *                           field ownership is large and no controller reads it. An update of
 *                           such an object keeps the stored ownership, as kube-apiserver does for
 *                           a client that sends none.
 */
public record ListOptions(String labelSelector, String fieldSelector, String resourceVersion, boolean stripManagedFields) {

    public static final ListOptions ALL = new ListOptions(null, null, null);

    public ListOptions(String labelSelector, String fieldSelector, String resourceVersion) {
        this(labelSelector, fieldSelector, resourceVersion, false);
    }

    public static ListOptions labels(String selector) {
        return new ListOptions(selector, null, null);
    }

    public static ListOptions fields(String selector) {
        return new ListOptions(null, selector, null);
    }

    /** The same options, from a revision. */
    public ListOptions from(String revision) {
        return new ListOptions(labelSelector, fieldSelector, revision, stripManagedFields);
    }

    /** The same options, the objects without {@code metadata.managedFields}. */
    public ListOptions withoutManagedFields() {
        return new ListOptions(labelSelector, fieldSelector, resourceVersion, true);
    }
}
