package io.gantry.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Everything the API server knows about one kind, in one object, as kube-apiserver's registry
 * strategies hold it ({@code pkg/registry/core/pod/strategy.go}): identity and scope, short
 * names and categories, subresources, defaulting, validation, the rules of create, update,
 * status update and deletion, field selectors and table columns. The registry, the servlet,
 * discovery, OpenAPI and tables find kinds only through strategies; no code elsewhere switches
 * over kinds.
 *
 * <p>Objects are JSON trees ({@link ObjectNode}) as stored, so that no field is lost to a Java
 * model that does not know it. Hooks change the tree they are given in place; they run after the
 * schema check, so every field present has the type the Kubernetes schema gives it.
 */
public abstract class KindStrategy {

    /** The verbs of a kind that supports every ordinary operation. */
    public static final Set<String> ALL_VERBS =
            Set.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    private final ResourceKind<?> kind;

    protected KindStrategy(ResourceKind<?> kind) {
        this.kind = kind;
    }

    /** Group, version, resource, kind, scope and short names. */
    public final ResourceKind<?> kind() {
        return kind;
    }

    /**
     * The kind whose keys hold this kind's objects: its own, unless this kind is another API's view
     * of a stored kind, as events.k8s.io/v1 events are of v1 events (kube-apiserver stores both at
     * {@code /registry/events/}, so each API sees every event). Such a kind converts with
     * {@link #fromStorage} and {@link #toStorage}.
     */
    public ResourceKind<?> storedAs() {
        return kind;
    }

    /** True when this kind's objects are stored as another kind's ({@link #storedAs}). */
    public final boolean storedElsewhere() {
        return storedAs() != kind;
    }

    /** An object of this kind from its stored form, a new tree or the one given. */
    public ObjectNode fromStorage(ObjectNode stored) {
        return stored;
    }

    /** An object of this kind in its stored form, a new tree or the one given. */
    public ObjectNode toStorage(ObjectNode object) {
        return object;
    }

    /** Categories such as {@code all}, for {@code kubectl get all}. */
    public List<String> categories() {
        return List.of();
    }

    /** The verbs discovery advertises for the resource itself. */
    public Set<String> verbs() {
        return ALL_VERBS;
    }

    /**
     * Subresources served under {@code NAME/SUB}: {@code status}, {@code scale}, {@code binding},
     * {@code eviction}, {@code log}, {@code exec}, {@code portforward}, {@code finalize}.
     */
    public Set<String> subresources() {
        return Set.of();
    }

    /** True when status is written only through {@code /status}. */
    public final boolean hasStatusSubresource() {
        return subresources().contains("status");
    }

    /**
     * True when {@code metadata.generation} starts at 1 and moves on every change of the desired
     * state (everything but metadata and status), as it does for kinds with a status subresource.
     */
    public boolean tracksGeneration() {
        return hasStatusSubresource();
    }

    /** How names of this kind are checked. */
    public NameRule nameRule() {
        return NameRule.DNS1123_SUBDOMAIN;
    }

    /** True when an update (PUT) of a missing object creates it, as for endpoints and leases. */
    public boolean allowCreateOnUpdate() {
        return false;
    }

    /** The {@code scale} subresource's mapping, for kinds that have one. */
    public Optional<ScaleRule> scale() {
        return Optional.empty();
    }

    /**
     * Fills in Kubernetes' defaults. Runs on every create and update (so it must leave an already
     * defaulted object as it is) before validation.
     */
    public void applyDefaults(ObjectNode object) {
    }

    /**
     * Resets what a creator may not choose. By default a kind with a status subresource starts with
     * an empty status; override to give an initial status (a pod starts Pending).
     */
    public void prepareForCreate(ObjectNode object) {
        if (hasStatusSubresource()) {
            object.remove("status");
        }
    }

    /**
     * Resets what an update of the object itself may not change: by default the status, for kinds
     * whose status is written through {@code /status}.
     */
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        if (hasStatusSubresource()) {
            JsonNode status = old.get("status");
            if (status == null) {
                object.remove("status");
            } else {
                object.set("status", status.deepCopy());
            }
        }
    }

    /**
     * Resets what a status update may not change: everything but the status, taken from the
     * stored object (the registry keeps metadata).
     */
    public void prepareForStatusUpdate(ObjectNode object, ObjectNode old) {
        JsonNode status = object.get("status");
        object.removeAll();
        object.setAll(old.deepCopy());
        if (status == null) {
            object.remove("status");
        } else {
            object.set("status", status);
        }
    }

    /**
     * True when objects of this kind take something from a cluster-wide range on create or
     * update (a service's cluster IP and node ports): the registry then calls {@link #allocate}
     * with every other object of the kind, one write of the kind at a time.
     */
    public boolean allocates() {
        return false;
    }

    /**
     * Assigns what the server allocates, after validation and before the write, refusing values
     * already taken or outside their range with a cause in {@code v}.
     *
     * @param old the stored object on an update, null on a create
     * @param others every other stored object of the kind
     */
    public void allocate(ObjectNode object, ObjectNode old, List<ObjectNode> others, Validator v) {
    }

    /** Checks a new object (metadata is checked by the registry already). */
    public void validate(ObjectNode object, Validator v) {
    }

    /** Checks an update: by default as a new object; override to add immutable fields. */
    public void validateUpdate(ObjectNode object, ObjectNode old, Validator v) {
        validate(object, v);
    }

    /** Checks a status update. */
    public void validateStatusUpdate(ObjectNode object, ObjectNode old, Validator v) {
    }

    /**
     * The grace period a delete leaves the object for, or null to remove it at once (unless
     * finalizers hold it). Pods bound to a node wait for their kubelet.
     *
     * @param requested the client's {@code gracePeriodSeconds}, or null
     */
    public Long gracePeriodSeconds(ObjectNode object, Long requested) {
        return null;
    }

    /**
     * Refuses a delete the kind never allows, such as of a system namespace, by throwing an
     * {@link io.gantry.api.client.ApiException} (403 Forbidden).
     */
    public void checkDeletion(ObjectNode object) {
    }

    /**
     * Called when a delete marks the object (sets {@code deletionTimestamp}) instead of removing it:
     * a namespace turns Terminating.
     */
    public void prepareForDeletion(ObjectNode object) {
    }

    /**
     * What a delete that names no {@code propagationPolicy} does to the object's dependents, as
     * kube-apiserver's {@code DefaultGarbageCollectionPolicy}: {@code Background} (the garbage
     * collector deletes them after the owner is gone) for most kinds; {@code Orphan} keeps them.
     */
    public String defaultPropagationPolicy() {
        return "Background";
    }

    /**
     * True when a marked object may go: by default when no {@code metadata.finalizers} remain;
     * namespaces also wait for {@code spec.finalizers}.
     */
    public boolean readyToRemove(ObjectNode object) {
        JsonNode finalizers = object.path("metadata").path("finalizers");
        return !finalizers.isArray() || finalizers.isEmpty();
    }

    /**
     * Field selectors beyond {@code metadata.name} and {@code metadata.namespace}, which every kind
     * has: the field's path as clients write it, and how to read it from an object.
     */
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return Map.of();
    }

    /**
     * The columns of {@code kubectl get}, as kube-apiserver's printers give them for this kind;
     * {@link Column#priority()} 1 only with {@code -o wide}.
     */
    public List<Column> columns() {
        return List.of(Column.NAME, Column.AGE);
    }

    @Override
    public String toString() {
        return kind.qualifiedName();
    }
}
