package io.gantry.kubelet;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ObjectFieldSelector;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Quantity;
import io.gantry.api.core.v1.ResourceFieldSelector;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The downward API: the pod fields and container resources a pod may read about itself. */
final class PodFields {

    private static final Pattern KEYED = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]");

    private PodFields() {
    }

    /**
     * The value of a field of the pod, as Kubernetes gives it in env and downwardAPI volumes.
     *
     * @param podIp the pod's IP, which its status may not carry yet
     */
    static String field(Pod pod, ObjectFieldSelector selector, String podIp, String hostIp) {
        String path = selector.fieldPath == null ? "" : selector.fieldPath;
        Matcher keyed = KEYED.matcher(path);
        if (keyed.matches()) {
            Map<String, String> map = keyed.group(1).equals("labels") ? pod.metadata.labels : pod.metadata.annotations;
            return map == null ? "" : map.getOrDefault(keyed.group(2), "");
        }
        return switch (path) {
            case "metadata.name" -> pod.metadata.name;
            case "metadata.namespace" -> pod.metadata.namespace;
            case "metadata.uid" -> pod.metadata.uid;
            case "metadata.labels" -> lines(pod.metadata.labels);
            case "metadata.annotations" -> lines(pod.metadata.annotations);
            case "spec.nodeName" -> pod.spec.nodeName;
            case "spec.serviceAccountName" -> pod.spec.serviceAccountName == null ? "default" : pod.spec.serviceAccountName;
            case "status.hostIP", "status.hostIPs" -> hostIp;
            case "status.podIP", "status.podIPs" -> podIp;
            default -> throw new PodSetupException("CreateContainerConfigError",
                    "unsupported fieldPath \"" + path + "\": supported are metadata.name, metadata.namespace, metadata.uid, "
                            + "metadata.labels['KEY'], metadata.annotations['KEY'], spec.nodeName, "
                            + "spec.serviceAccountName, status.hostIP, status.podIP");
        };
    }

    /**
     * A container's limit or request in units of the divisor, rounded up as Kubernetes does; an
     * unset limit is the node's allocatable amount.
     */
    static String resource(Pod pod, Container self, ResourceFieldSelector selector, Map<String, String> allocatable) {
        Container container = self;
        if (selector.containerName != null && !selector.containerName.isEmpty()) {
            container = pod.spec.containers.stream().filter(c -> selector.containerName.equals(c.name)).findFirst()
                    .orElseThrow(() -> new PodSetupException("CreateContainerConfigError",
                            "resourceFieldRef: no container \"" + selector.containerName + "\" in the pod"));
        }
        String resource = selector.resource == null ? "" : selector.resource;
        int dot = resource.indexOf('.');
        if (dot < 0) {
            throw new PodSetupException("CreateContainerConfigError", "unsupported resource \"" + resource
                    + "\": use limits.cpu, limits.memory, requests.cpu or requests.memory");
        }
        String kind = resource.substring(0, dot);
        String name = resource.substring(dot + 1);
        Map<String, String> values = container.resources == null ? null
                : kind.equals("limits") ? container.resources.limits : container.resources.requests;
        String value = values == null ? null : values.get(name);
        if (value == null) {
            value = kind.equals("limits") ? allocatable.getOrDefault(name, "0") : "0";
        }
        String divisor = selector.divisor == null || selector.divisor.isEmpty() ? "1" : selector.divisor;
        BigDecimal result = Quantity.parse(value).divide(Quantity.parse(divisor), 0, RoundingMode.CEILING);
        return result.toPlainString();
    }

    /** Labels or annotations as a downwardAPI file writes them: {@code key="value"} lines, sorted. */
    private static String lines(Map<String, String> map) {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, String> entry : new TreeMap<>(map == null ? Map.<String, String>of() : map).entrySet()) {
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(entry.getKey()).append("=\"").append(entry.getValue().replace("\\", "\\\\")
                    .replace("\"", "\\\"").replace("\n", "\\n")).append('"');
        }
        return text.toString();
    }
}
