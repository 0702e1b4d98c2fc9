package io.gantry.apiserver.kinds.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.apiserver.kinds.GoValue;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The pod templates of workloads (deployments, replica sets, replication controllers, pod
 * templates): their defaults are a pod spec's, and a controller's template must carry labels its
 * selector matches and restart its containers always ({@code ValidatePodTemplateSpecForReplicaSet}).
 */
public final class PodTemplates {

    private PodTemplates() {
    }

    /** Defaults the pod spec of the template at {@code template}. */
    public static void defaults(JsonNode template) {
        if (template instanceof ObjectNode t && t.get("spec") instanceof ObjectNode spec) {
            PodDefaults.podSpec(spec);
        }
    }

    /** Checks a template's labels, annotations and pod spec ({@code ValidatePodTemplateSpec}). */
    public static void validate(JsonNode template, String path, Validator v) {
        JsonNode metadata = template.path("metadata");
        v.labels(path + ".metadata.labels", metadata.path("labels"));
        v.annotations(path + ".metadata.annotations", metadata.path("annotations"));
        PodValidation.podSpec(template.path("spec"), path + ".spec", v);
        if (!template.path("spec").path("ephemeralContainers").isEmpty()) {
            v.forbidden(path + ".spec.ephemeralContainers", "ephemeral containers not allowed in pod template");
        }
    }

    /**
     * Checks the template of a replica set, replication controller or deployment: present, labelled
     * so that the selector matches, restarting always and without an active deadline.
     *
     * @param selects the controller's selector, or null when it is empty (nothing to match)
     */
    public static void validateForController(JsonNode template, String path, Predicate<JsonNode> selects, Validator v) {
        if (template == null || template.isMissingNode() || template.isNull()) {
            v.required(path);
            return;
        }
        JsonNode labels = template.path("metadata").get("labels");
        if (selects != null && !selects.test(labels == null ? template.path("metadata").path("labels") : labels)) {
            v.invalid(path + ".metadata.labels", GoValue.stringMap(labels),
                    "`selector` does not match template `labels`");
        }
        validate(template, path, v);
        String restartPolicy = Trees.text(template, "spec", "restartPolicy");
        if (restartPolicy != null && !restartPolicy.equals("Always")
                && PodValidation.RESTART_POLICIES.contains(restartPolicy)) {
            v.notSupported(path + ".spec.restartPolicy", restartPolicy, List.of("Always"));
        }
        JsonNode deadline = template.path("spec").get("activeDeadlineSeconds");
        if (deadline != null && !deadline.isNull()) {
            v.forbidden(path + ".spec.activeDeadlineSeconds", "activeDeadlineSeconds in ReplicaSet is not Supported");
        }
    }
}
