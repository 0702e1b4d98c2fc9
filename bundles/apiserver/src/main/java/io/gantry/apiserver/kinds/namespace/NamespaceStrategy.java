package io.gantry.apiserver.kinds.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.NameRule;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Namespaces, as {@code pkg/registry/core/namespace/strategy.go}: created Active with the
 * {@code kubernetes} finalizer in {@code spec.finalizers}, which only {@code /finalize} changes;
 * a delete turns them Terminating until both kinds of finalizers are gone.
 */
public final class NamespaceStrategy extends KindStrategy {

    /** The finalizer that stands for "everything inside is deleted". */
    public static final String KUBERNETES_FINALIZER = "kubernetes";
    private static final String NAME_LABEL = "kubernetes.io/metadata.name";

    public NamespaceStrategy() {
        super(ResourceKind.NAMESPACES);
    }

    /** Namespaces are deleted one by one: kube-apiserver offers no deletecollection for them. */
    @Override
    public Set<String> verbs() {
        return Set.of("create", "delete", "get", "list", "patch", "update", "watch");
    }

    @Override
    public Set<String> subresources() {
        return Set.of("status", "finalize");
    }

    @Override
    public boolean tracksGeneration() {
        return false;
    }

    @Override
    public NameRule nameRule() {
        return NameRule.DNS1123_LABEL;
    }

    /** SetDefaults_Namespace: the name label; SetDefaults_NamespaceStatus: Active. */
    @Override
    public void applyDefaults(ObjectNode namespace) {
        String name = Trees.text(namespace, "metadata", "name");
        if (name != null && !name.isEmpty()) {
            Trees.object(namespace, "metadata", "labels").put(NAME_LABEL, name);
        }
        if (namespace.get("status") instanceof ObjectNode status) {
            Trees.defaultText(status, "phase", "Active");
        }
    }

    @Override
    public void prepareForCreate(ObjectNode namespace) {
        namespace.putObject("status").put("phase", "Active");
        ArrayNode finalizers = Trees.array(Trees.object(namespace, "spec"), "finalizers");
        boolean present = false;
        for (JsonNode finalizer : finalizers) {
            present |= KUBERNETES_FINALIZER.equals(finalizer.asText());
        }
        if (!present) {
            finalizers.add(KUBERNETES_FINALIZER);
        }
    }

    /** An update keeps the status and {@code spec.finalizers}; {@code /finalize} changes the latter. */
    @Override
    public void prepareForUpdate(ObjectNode namespace, ObjectNode old) {
        super.prepareForUpdate(namespace, old);
        JsonNode finalizers = old.path("spec").get("finalizers");
        ObjectNode spec = Trees.object(namespace, "spec");
        if (finalizers == null) {
            spec.remove("finalizers");
        } else {
            spec.set("finalizers", finalizers.deepCopy());
        }
    }

    @Override
    public void validate(ObjectNode namespace, Validator v) {
        int i = 0;
        for (JsonNode finalizer : namespace.path("spec").path("finalizers")) {
            finalizerName("spec.finalizers[" + i++ + "]", finalizer.asText(""), v);
        }
    }

    @Override
    public void validateStatusUpdate(ObjectNode namespace, ObjectNode old, Validator v) {
        String phase = Trees.textOr(namespace, "", "status", "phase");
        if (Trees.textOr(namespace, "", "metadata", "deletionTimestamp").isEmpty()) {
            if (!phase.equals("Active")) {
                v.invalid("status.Phase", phase, "may only be 'Active' if `deletionTimestamp` is empty");
            }
        } else if (!phase.equals("Terminating")) {
            v.invalid("status.Phase", phase, "may only be 'Terminating' if `deletionTimestamp` is not empty");
        }
    }

    /** A finalizer is a standard name ({@code kubernetes}) or qualified ({@code example.com/x}). */
    static void finalizerName(String field, String name, Validator v) {
        if (!v.qualifiedName(field, name)) {
            return;
        }
        if (!name.contains("/") && !name.equals(KUBERNETES_FINALIZER)) {
            v.invalid(field, name, "name is neither a standard finalizer name nor is it fully qualified");
        }
    }

    /** The namespaces kube-apiserver's NamespaceLifecycle admission keeps for ever. */
    private static final java.util.List<String> IMMORTAL = java.util.List.of("default", "kube-system", "kube-public");

    @Override
    public void checkDeletion(ObjectNode namespace) {
        String name = Trees.textOr(namespace, "", "metadata", "name");
        if (IMMORTAL.contains(name)) {
            throw io.gantry.api.client.ApiException.forbidden(kind(), name, "this namespace may not be deleted");
        }
    }

    @Override
    public void prepareForDeletion(ObjectNode namespace) {
        Trees.object(namespace, "status").put("phase", "Terminating");
    }

    /** A namespace goes when its content is gone ({@code spec.finalizers}) and its metadata finalizers too. */
    @Override
    public boolean readyToRemove(ObjectNode namespace) {
        return super.readyToRemove(namespace) && namespace.path("spec").path("finalizers").isEmpty();
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return Map.of("status.phase", namespace -> Trees.textOr(namespace, "", "status", "phase"));
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.NAME,
                Column.of("Status", "The status of the namespace", ns -> Trees.textOr(ns, "", "status", "phase")),
                Column.AGE);
    }
}
