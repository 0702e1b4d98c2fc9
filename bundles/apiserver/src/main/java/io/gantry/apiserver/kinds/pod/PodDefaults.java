package io.gantry.apiserver.kinds.pod;

import static io.gantry.apiserver.registry.Trees.defaultBoolean;
import static io.gantry.apiserver.registry.Trees.defaultLong;
import static io.gantry.apiserver.registry.Trees.defaultText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.apiserver.registry.Trees;
import java.util.List;
import java.util.Set;

/**
 * Kubernetes' defaults of a pod and of the pod spec inside templates, as
 * {@code pkg/apis/core/v1/defaults.go} (SetDefaults_PodSpec, _Container, _Probe, _Volume, ...)
 * and the admission plugins every cluster runs (ServiceAccount, Priority) give them.
 */
public final class PodDefaults {

    /** The scheduler of pods that name none. */
    public static final String DEFAULT_SCHEDULER = "default-scheduler";

    private static final List<String> CONTAINER_LISTS = List.of("initContainers", "containers", "ephemeralContainers");
    private static final Set<String> VOLUME_SOURCES_WITH_MODE = Set.of("secret", "configMap", "downwardAPI", "projected");

    private PodDefaults() {
    }

    /** Defaults of a pod object: its spec's, plus those only pods get. */
    public static void pod(ObjectNode pod) {
        ObjectNode spec = Trees.object(pod, "spec");
        podSpec(spec);
        // SetDefaults_Pod: requests default to limits, for containers and init containers.
        for (String list : List.of("initContainers", "containers")) {
            for (ObjectNode container : Trees.objects(spec, list)) {
                JsonNode limits = container.path("resources").path("limits");
                if (limits.isObject() && !limits.isEmpty()) {
                    ObjectNode requests = Trees.object(container, "resources", "requests");
                    limits.fields().forEachRemaining(e -> {
                        if (!requests.has(e.getKey())) {
                            requests.set(e.getKey(), e.getValue().deepCopy());
                        }
                    });
                }
            }
        }
        defaultBoolean(spec, "enableServiceLinks", true);
        if (spec.path("hostNetwork").asBoolean(false)) {
            for (String list : List.of("initContainers", "containers")) {
                for (ObjectNode container : Trees.objects(spec, list)) {
                    for (ObjectNode port : Trees.objects(container, "ports")) {
                        if (port.path("hostPort").asLong(0) == 0 && port.has("containerPort")) {
                            port.set("hostPort", port.get("containerPort"));
                        }
                    }
                }
            }
        }
        // The ServiceAccount admission plugin, and the deprecated field that mirrors it.
        String account = Trees.text(spec, "serviceAccountName");
        if (account == null || account.isEmpty()) {
            account = Trees.text(spec, "serviceAccount");
        }
        if (account == null || account.isEmpty()) {
            account = "default";
        }
        spec.put("serviceAccountName", account);
        spec.put("serviceAccount", account);
        // The Priority admission plugin without priority classes.
        if (Trees.text(spec, "priorityClassName") == null) {
            defaultLong(spec, "priority", 0);
        }
        defaultText(spec, "preemptionPolicy", "PreemptLowerPriority");
    }

    /** Defaults of a pod spec, also inside the templates of workloads (SetDefaults_PodSpec and below). */
    public static void podSpec(ObjectNode spec) {
        defaultText(spec, "dnsPolicy", "ClusterFirst");
        defaultText(spec, "restartPolicy", "Always");
        if (!(spec.get("securityContext") instanceof ObjectNode)) {
            spec.putObject("securityContext");
        }
        defaultLong(spec, "terminationGracePeriodSeconds", 30);
        emptyTextDefault(spec, "schedulerName", DEFAULT_SCHEDULER);
        for (String list : CONTAINER_LISTS) {
            for (ObjectNode container : Trees.objects(spec, list)) {
                container(container);
            }
        }
        for (ObjectNode volume : Trees.objects(spec, "volumes")) {
            volume(volume);
        }
    }

    private static void container(ObjectNode container) {
        String image = Trees.textOr(container, "", "image");
        emptyTextDefault(container, "imagePullPolicy", "latest".equals(imageTag(image)) ? "Always" : "IfNotPresent");
        emptyTextDefault(container, "terminationMessagePath", "/dev/termination-log");
        emptyTextDefault(container, "terminationMessagePolicy", "File");
        if (!(container.get("resources") instanceof ObjectNode)) {
            container.putObject("resources");
        }
        for (ObjectNode port : Trees.objects(container, "ports")) {
            emptyTextDefault(port, "protocol", "TCP");
        }
        for (ObjectNode env : Trees.objects(container, "env")) {
            JsonNode fieldRef = env.path("valueFrom").path("fieldRef");
            if (fieldRef instanceof ObjectNode ref) {
                emptyTextDefault(ref, "apiVersion", "v1");
            }
        }
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            if (container.get(probe) instanceof ObjectNode p) {
                probe(p);
            }
        }
        if (container.get("lifecycle") instanceof ObjectNode lifecycle) {
            for (String hook : List.of("postStart", "preStop")) {
                if (lifecycle.path(hook).get("httpGet") instanceof ObjectNode httpGet) {
                    httpGet(httpGet);
                }
            }
        }
    }

    /** SetDefaults_Probe, and the defaults of its HTTP action. */
    private static void probe(ObjectNode probe) {
        zeroDefault(probe, "timeoutSeconds", 1);
        zeroDefault(probe, "periodSeconds", 10);
        zeroDefault(probe, "successThreshold", 1);
        zeroDefault(probe, "failureThreshold", 3);
        if (probe.get("httpGet") instanceof ObjectNode httpGet) {
            httpGet(httpGet);
        }
    }

    private static void httpGet(ObjectNode httpGet) {
        emptyTextDefault(httpGet, "path", "/");
        emptyTextDefault(httpGet, "scheme", "HTTP");
    }

    /** SetDefaults_Volume (emptyDir when no source) and the sources' default modes. */
    private static void volume(ObjectNode volume) {
        boolean hasSource = false;
        var names = volume.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            hasSource |= !name.equals("name") && !volume.get(name).isNull();
        }
        if (!hasSource) {
            volume.putObject("emptyDir");
        }
        for (String source : VOLUME_SOURCES_WITH_MODE) {
            if (volume.get(source) instanceof ObjectNode s) {
                defaultLong(s, "defaultMode", 420);
                if (source.equals("projected")) {
                    for (ObjectNode projection : Trees.objects(s, "sources")) {
                        if (projection.get("serviceAccountToken") instanceof ObjectNode token) {
                            defaultLong(token, "expirationSeconds", 3600);
                        }
                    }
                }
            }
        }
        if (volume.get("hostPath") instanceof ObjectNode hostPath) {
            defaultText(hostPath, "type", "");
        }
    }

    /**
     * The tag of an image reference as Kubernetes' ParseImageName reads it: {@code latest} when the
     * reference has neither tag nor digest.
     */
    static String imageTag(String image) {
        String name = image;
        int at = name.indexOf('@');
        if (at >= 0) {
            // A digest: the tag is what precedes it, if any; no tag means no "latest".
            name = name.substring(0, at);
            int colon = name.lastIndexOf(':');
            return colon > name.lastIndexOf('/') ? name.substring(colon + 1) : "";
        }
        int colon = name.lastIndexOf(':');
        return colon > name.lastIndexOf('/') ? name.substring(colon + 1) : "latest";
    }

    /** Sets a text field when absent, null or empty (Go's zero value). */
    static void emptyTextDefault(ObjectNode node, String field, String value) {
        JsonNode current = node.get(field);
        if (current == null || current.isNull() || current.asText("").isEmpty()) {
            node.put(field, value);
        }
    }

    private static void zeroDefault(ObjectNode node, String field, long value) {
        JsonNode current = node.get(field);
        if (current == null || current.isNull() || current.asLong(0) == 0) {
            node.put(field, value);
        }
    }
}
