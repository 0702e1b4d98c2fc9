package io.gantry.apiserver.kinds.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.core.v1.Quantity;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a pod spec as Kubernetes' {@code ValidatePodSpec} does, for the fields Gantry acts on,
 * and the rule of pod updates ({@code ValidatePodUpdate}): only images, the active deadline,
 * added tolerations and a negative grace period may change.
 */
public final class PodValidation {

    static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
    private static final List<String> DNS_POLICIES = List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
    private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    private static final List<String> MESSAGE_POLICIES = List.of("File", "FallbackToLogsOnError");
    private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
    private static final List<String> TOLERATION_OPERATORS = List.of("Equal", "Exists");
    private static final List<String> TAINT_EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
    private static final List<String> HANDLERS = List.of("exec", "httpGet", "tcpSocket", "grpc");
    /** Kubernetes 1.32's relaxed rule (RelaxedEnvironmentVariableValidation, on by default). */
    private static final String ENV_NAME_MESSAGE =
            "a valid environment variable name must consist only of printable ASCII characters other than '='";
    static final String UPDATE_FORBIDDEN = "pod updates may not change fields other than `spec.containers[*].image`,"
            + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
            + "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
            + "previously negative)";

    private PodValidation() {
    }

    /** Checks a pod spec found at {@code path} ({@code spec} or {@code spec.template.spec}). */
    public static void podSpec(JsonNode spec, String path, Validator v) {
        Set<String> volumes = volumes(spec, path, v);
        Set<String> names = new HashSet<>();
        containers(spec, "initContainers", path, volumes, names, v);
        if (spec.path("containers").isEmpty()) {
            v.required(path + ".containers");
        }
        containers(spec, "containers", path, volumes, names, v);
        v.oneOf(path + ".restartPolicy", Trees.text(spec, "restartPolicy"), RESTART_POLICIES);
        v.oneOf(path + ".dnsPolicy", Trees.text(spec, "dnsPolicy"), DNS_POLICIES);
        JsonNode grace = spec.get("terminationGracePeriodSeconds");
        if (grace != null && grace.isNumber()) {
            v.nonNegative(path + ".terminationGracePeriodSeconds", grace.asLong());
        }
        JsonNode deadline = spec.get("activeDeadlineSeconds");
        if (deadline != null && deadline.isNumber() && (deadline.asLong() < 1 || deadline.asLong() > Integer.MAX_VALUE)) {
            v.invalid(path + ".activeDeadlineSeconds", deadline.asLong(), "must be between 1 and 2147483647, inclusive");
        }
        v.labels(path + ".nodeSelector", spec.path("nodeSelector"));
        String account = Trees.text(spec, "serviceAccountName");
        if (account != null && !account.isEmpty()) {
            v.dns1123Subdomain(path + ".serviceAccountName", account);
        }
        String node = Trees.text(spec, "nodeName");
        if (node != null && !node.isEmpty()) {
            v.dns1123Subdomain(path + ".nodeName", node);
        }
        for (String field : List.of("hostname", "subdomain")) {
            String value = Trees.text(spec, field);
            if (value != null && !value.isEmpty()) {
                v.dns1123Label(path + "." + field, value);
            }
        }
        tolerations(spec, path, v);
    }

    private static Set<String> volumes(JsonNode spec, String path, Validator v) {
        Set<String> names = new HashSet<>();
        int i = 0;
        for (JsonNode volume : spec.path("volumes")) {
            String at = path + ".volumes[" + i++ + "]";
            String name = Trees.textOr(volume, "", "name");
            if (name.isEmpty()) {
                v.required(at + ".name");
            } else if (v.dns1123Label(at + ".name", name) && !names.add(name)) {
                v.duplicate(at + ".name", name);
            }
            // Exactly one source (defaulting gives emptyDir to a volume without one).
            List<String> sources = new ArrayList<>();
            volume.fieldNames().forEachRemaining(field -> {
                if (!field.equals("name") && !volume.get(field).isNull()) {
                    sources.add(field);
                }
            });
            sources.sort(Comparator.comparingInt(PodValidation::sourceOrder));
            if (sources.isEmpty()) {
                v.required(at, "must specify a volume type");
            } else if (sources.size() > 1) {
                v.forbidden(at + "." + sources.get(1), "may not specify more than 1 volume type");
            }
        }
        return names;
    }

    /** The order in which validateVolumeSource meets the sources: the second one met is reported. */
    private static final List<String> VOLUME_SOURCES = List.of("emptyDir", "hostPath", "gitRepo",
            "awsElasticBlockStore", "gcePersistentDisk", "secret", "nfs", "iscsi", "glusterfs", "persistentVolumeClaim",
            "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile", "configMap",
            "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected", "portworxVolume", "scaleIO",
            "storageos", "csi", "ephemeral", "image");

    private static int sourceOrder(String source) {
        int index = VOLUME_SOURCES.indexOf(source);
        return index < 0 ? VOLUME_SOURCES.size() : index;
    }

    private static void containers(JsonNode spec, String list, String path, Set<String> volumes, Set<String> names,
                                   Validator v) {
        int i = 0;
        for (JsonNode container : spec.path(list)) {
            String at = path + "." + list + "[" + i++ + "]";
            String name = Trees.textOr(container, "", "name");
            if (name.isEmpty()) {
                v.required(at + ".name");
            } else if (v.dns1123Label(at + ".name", name) && !names.add(name)) {
                v.duplicate(at + ".name", name);
            }
            String image = Trees.textOr(container, "", "image");
            if (image.isEmpty()) {
                v.required(at + ".image");
            } else if (!image.equals(image.strip())) {
                v.invalid(at + ".image", image, "must not have leading or trailing whitespace");
            }
            v.oneOf(at + ".imagePullPolicy", Trees.text(container, "imagePullPolicy"), PULL_POLICIES);
            v.oneOf(at + ".terminationMessagePolicy", Trees.text(container, "terminationMessagePolicy"), MESSAGE_POLICIES);
            ports(container, at, v);
            env(container, at, v);
            resources(container.path("resources"), at + ".resources", v);
            mounts(container, at, volumes, v);
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                JsonNode p = container.get(probe);
                if (p != null && p.isObject()) {
                    probe(p, at + "." + probe, !probe.equals("readinessProbe"), v);
                }
            }
        }
    }

    private static void ports(JsonNode container, String path, Validator v) {
        Set<String> names = new HashSet<>();
        int i = 0;
        for (JsonNode port : container.path("ports")) {
            String at = path + ".ports[" + i++ + "]";
            String name = Trees.textOr(port, "", "name");
            if (!name.isEmpty() && v.portName(at + ".name", name) && !names.add(name)) {
                v.duplicate(at + ".name", name);
            }
            JsonNode containerPort = port.get("containerPort");
            if (containerPort == null || containerPort.isNull()) {
                v.required(at + ".containerPort");
            } else {
                v.port(at + ".containerPort", containerPort.asLong());
            }
            long hostPort = port.path("hostPort").asLong(0);
            if (hostPort != 0) {
                v.port(at + ".hostPort", hostPort);
            }
            String protocol = Trees.text(port, "protocol");
            if (protocol != null && !protocol.isEmpty()) {
                v.oneOf(at + ".protocol", protocol, PROTOCOLS);
            }
        }
    }

    private static void env(JsonNode container, String path, Validator v) {
        int i = 0;
        for (JsonNode env : container.path("env")) {
            String at = path + ".env[" + i++ + "]";
            String name = Trees.textOr(env, "", "name");
            if (name.isEmpty()) {
                v.required(at + ".name");
            } else if (!name.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '=')) {
                v.invalid(at + ".name", name, ENV_NAME_MESSAGE);
            }
            if (!Trees.textOr(env, "", "value").isEmpty() && env.has("valueFrom") && !env.get("valueFrom").isNull()) {
                v.invalid(at + ".valueFrom", "", "may not be specified when `value` is not empty");
            }
        }
    }

    /** Quantities valid and not negative, and each request at most its limit. */
    static void resources(JsonNode resources, String path, Validator v) {
        JsonNode limits = resources.path("limits");
        JsonNode requests = resources.path("requests");
        quantities(limits, path + ".limits", v);
        quantities(requests, path + ".requests", v);
        requests.fields().forEachRemaining(e -> {
            JsonNode limit = limits.get(e.getKey());
            BigDecimal request = parse(e.getValue());
            BigDecimal max = limit == null ? null : parse(limit);
            if (request != null && max != null && request.compareTo(max) > 0) {
                v.invalid(path + ".requests[" + e.getKey() + "]", e.getValue().asText(),
                        "must be less than or equal to " + e.getKey() + " limit of " + limit.asText());
            }
        });
    }

    private static void quantities(JsonNode list, String path, Validator v) {
        list.fields().forEachRemaining(e -> {
            String at = path + "[" + e.getKey() + "]";
            if (v.quantity(at, e.getValue())) {
                BigDecimal value = parse(e.getValue());
                if (value != null && value.signum() < 0) {
                    v.invalid(at, e.getValue().asText(), "must be greater than or equal to 0");
                }
            }
        });
    }

    /** The value of a quantity, or null when it is none (or beyond what can be computed). */
    static BigDecimal parse(JsonNode quantity) {
        if (quantity == null || quantity.isNull()) {
            return null;
        }
        String text = quantity.asText("");
        try {
            return Quantity.isValid(text) ? Quantity.parse(text) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void mounts(JsonNode container, String path, Set<String> volumes, Validator v) {
        int i = 0;
        for (JsonNode mount : container.path("volumeMounts")) {
            String at = path + ".volumeMounts[" + i++ + "]";
            String name = Trees.textOr(mount, "", "name");
            if (name.isEmpty()) {
                v.required(at + ".name");
            } else if (!volumes.contains(name)) {
                v.notFound(at + ".name", name);
            }
            if (Trees.textOr(mount, "", "mountPath").isEmpty()) {
                v.required(at + ".mountPath");
            }
        }
    }

    private static void probe(JsonNode probe, String path, boolean successMustBeOne, Validator v) {
        long handlers = HANDLERS.stream().filter(h -> probe.has(h) && !probe.get(h).isNull()).count();
        if (handlers == 0) {
            v.required(path, "must specify a handler type");
        } else if (handlers > 1) {
            String second = HANDLERS.stream().filter(h -> probe.has(h) && !probe.get(h).isNull()).skip(1).findFirst()
                    .orElseThrow();
            v.forbidden(path + "." + second, "may not specify more than 1 handler type");
        }
        for (String field : List.of("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold",
                "failureThreshold")) {
            JsonNode value = probe.get(field);
            if (value != null && value.isNumber()) {
                v.nonNegative(path + "." + field, value.asLong());
            }
        }
        if (successMustBeOne && probe.has("successThreshold") && probe.path("successThreshold").asLong(1) != 1) {
            v.invalid(path + ".successThreshold", probe.path("successThreshold").asLong(), "must be 1");
        }
    }

    private static void tolerations(JsonNode spec, String path, Validator v) {
        int i = 0;
        for (JsonNode toleration : spec.path("tolerations")) {
            String at = path + ".tolerations[" + i++ + "]";
            String key = Trees.textOr(toleration, "", "key");
            if (!key.isEmpty()) {
                v.qualifiedName(at + ".key", key);
            }
            String operator = Trees.textOr(toleration, "", "operator");
            if (key.isEmpty() && !operator.equals("Exists")) {
                v.invalid(at + ".operator", operator,
                        "operator must be Exists when `key` is empty, which means \"match all values and all keys\"");
            }
            if (operator.equals("Exists") && !Trees.textOr(toleration, "", "value").isEmpty()) {
                v.invalid(at + ".operator", operator, "value must be empty when `operator` is 'Exists'");
            } else if (!operator.isEmpty()) {
                v.oneOf(at + ".operator", operator, TOLERATION_OPERATORS);
            }
            String effect = Trees.textOr(toleration, "", "effect");
            if (!effect.isEmpty()) {
                v.oneOf(at + ".effect", effect, TAINT_EFFECTS);
            }
            if (toleration.has("tolerationSeconds") && !toleration.get("tolerationSeconds").isNull()
                    && !effect.equals("NoExecute")) {
                v.invalid(at + ".effect", effect, "effect must be 'NoExecute' when `tolerationSeconds` is set");
            }
        }
    }

    /**
     * The rule of pod updates: the spec may change only in images, a new or shorter active
     * deadline, added tolerations, removed scheduling gates, and a negative grace period set to 1.
     */
    public static void update(ObjectNode pod, ObjectNode old, Validator v) {
        JsonNode spec = pod.path("spec");
        JsonNode oldSpec = old.path("spec");
        if (!spec.isObject() || !oldSpec.isObject()) {
            return;
        }
        ObjectNode munged = ((ObjectNode) spec).deepCopy();
        for (String list : List.of("containers", "initContainers")) {
            List<ObjectNode> now = Trees.objects(munged, list);
            List<ObjectNode> before = Trees.objects(oldSpec, list);
            if (now.size() == before.size()) {
                for (int i = 0; i < now.size(); i++) {
                    copyField(before.get(i), now.get(i), "image");
                }
            }
        }
        JsonNode deadline = spec.get("activeDeadlineSeconds");
        JsonNode oldDeadline = oldSpec.get("activeDeadlineSeconds");
        if (deadline != null && deadline.isNumber()
                && (oldDeadline == null || oldDeadline.isNull() || deadline.asLong() <= oldDeadline.asLong())) {
            copyField(oldSpec, munged, "activeDeadlineSeconds");
        }
        if (containsAll(spec.path("tolerations"), oldSpec.path("tolerations"))) {
            copyField(oldSpec, munged, "tolerations");
        }
        // Scheduling gates may be removed (never added) until the pod is scheduled.
        if (containsAll(oldSpec.path("schedulingGates"), spec.path("schedulingGates"))) {
            copyField(oldSpec, munged, "schedulingGates");
        }
        if (oldSpec.path("terminationGracePeriodSeconds").asLong(0) < 0
                && spec.path("terminationGracePeriodSeconds").asLong(0) == 1) {
            copyField(oldSpec, munged, "terminationGracePeriodSeconds");
        }
        if (!Trees.same(munged, oldSpec)) {
            v.forbidden("spec", UPDATE_FORBIDDEN);
        }
    }

    private static boolean containsAll(JsonNode now, JsonNode before) {
        for (JsonNode element : before) {
            boolean found = false;
            for (JsonNode candidate : now) {
                found |= Trees.same(candidate, element);
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    private static void copyField(JsonNode from, ObjectNode to, String field) {
        JsonNode value = from.get(field);
        if (value == null) {
            to.remove(field);
        } else {
            to.set(field, value.deepCopy());
        }
    }
}
