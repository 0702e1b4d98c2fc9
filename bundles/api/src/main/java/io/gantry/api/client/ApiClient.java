package io.gantry.api.client;

import io.gantry.api.cluster.LeaderElection;
import io.gantry.api.core.v1.Binding;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.KubeList;
import io.gantry.api.meta.v1.KubeObject;
import java.util.Optional;

/**
 * The API as components inside Gantry use it: the same validation, defaults, versions and
 * errors as the REST API, without HTTP. The API server registers it as an OSGi service; every
 * write in the cluster goes through it. Failures are {@link ApiException}s carrying the
 * Kubernetes Status.
 *
 * <p>Objects passed in are not kept; objects returned are the caller's to change.
 */
public interface ApiClient {

    /**
     * The HTTP header that carries a leader's term with its writes ({@link #fencedBy}):
     * {@code role/holder/epoch}, as {@link LeaderElection.Term#token()} writes it.
     */
    String LEADER_TERM_HEADER = "Gantry-Leader-Term";

    /** Creates an object (namespace from its metadata for namespaced kinds). */
    <T extends KubeObject> T create(ResourceKind<T> kind, T object);

    /** Reads one object; 404 NotFound if absent. */
    <T extends KubeObject> T get(ResourceKind<T> kind, String namespace, String name);

    /** Reads one object, empty if absent. */
    default <T extends KubeObject> Optional<T> find(ResourceKind<T> kind, String namespace, String name) {
        try {
            return Optional.of(get(kind, namespace, name));
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Lists objects of one namespace, or of all when {@code namespace} is null. */
    <T extends KubeObject> KubeList<T> list(ResourceKind<T> kind, String namespace, ListOptions options);

    /**
     * Replaces an object's spec and metadata. With {@code metadata.resourceVersion} set the write
     * happens only if the object is still at that version (409 Conflict otherwise).
     */
    <T extends KubeObject> T update(ResourceKind<T> kind, T object);

    /** Replaces an object's status only, as the {@code /status} subresource does. */
    <T extends KubeObject> T updateStatus(ResourceKind<T> kind, T object);

    /**
     * Deletes an object. A pod bound to a node is first marked (deletionTimestamp) so that its
     * kubelet stops it; it is gone once the kubelet deletes it with a zero grace period.
     *
     * @return the object as last stored, marked or deleted
     */
    <T extends KubeObject> T delete(ResourceKind<T> kind, String namespace, String name, DeleteOptions options);

    /** Binds a pod to a node, as {@code POST pods/NAME/binding} does. */
    void bind(Binding binding);

    /**
     * Watches objects of one namespace (or all), from after {@code options.resourceVersion}
     * (from now when empty or "0").
     */
    <T extends KubeObject> Watch watch(ResourceKind<T> kind, String namespace, ListOptions options, WatchListener<T> listener);

    /**
     * This client, with every write carrying a leader's term: the API server refuses the write
     * (409 Conflict) once the role's Lease in {@code kube-system} names a later term or another
     * holder, so that a deposed leader that has not yet noticed cannot bind, create or delete.
     * Reads and watches are unchanged. A client that reaches no API server (a test's) returns
     * itself.
     */
    default ApiClient fencedBy(LeaderElection.Term term) {
        return this;
    }
}
