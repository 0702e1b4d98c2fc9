package io.gantry.apiserver;

import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ContainerPort;
import io.gantry.api.core.v1.EnvVar;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Quantity;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.meta.v1.StatusCause;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks objects as the Kubernetes API server's validation does, collecting one cause per bad
 * field, with Kubernetes' field paths, reasons and messages.
 */
final class Validation {

    private static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final Pattern DNS_LABEL = Pattern.compile(LABEL);
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(LABEL + "(\\." + LABEL + ")*");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
    private static final String LABEL_MESSAGE = "a lowercase RFC 1123 label must consist of lower case alphanumeric "
            + "characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
            + "regex used for validation is '" + LABEL + "')";
    private static final String SUBDOMAIN_MESSAGE = "a lowercase RFC 1123 subdomain must consist of lower case "
            + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
            + "'example.com', regex used for validation is '" + LABEL + "(\\." + LABEL + ")*')";

    private final List<StatusCause> causes = new ArrayList<>();

    private Validation() {
    }

    /** The causes why an object to be created or updated is invalid; empty if it is valid. */
    static List<StatusCause> validate(ResourceKind<?> kind, KubeObject object) {
        Validation v = new Validation();
        v.metadata(kind, object);
        if (object instanceof Pod pod) {
            v.pod(pod);
        }
        return v.causes;
    }

    /** The causes why an update of a pod changes what Kubernetes does not let change. */
    static List<StatusCause> validatePodUpdate(Pod old, Pod updated) {
        Validation v = new Validation();
        Pod before = Json.copy(old);
        Pod after = Json.copy(updated);
        // Only images may change; compare everything else.
        for (int i = 0; i < Math.min(before.spec.containers.size(), after.spec.containers.size()); i++) {
            after.spec.containers.get(i).image = before.spec.containers.get(i).image;
        }
        if (!Objects.equals(Json.tree(before.spec), Json.tree(after.spec))) {
            v.causes.add(new StatusCause("FieldValueForbidden", "Forbidden: pod updates may not change fields other than "
                    + "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
                    + "`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
                    + "(allow it to be set to 1 if it was previously negative)", "spec"));
        }
        for (int i = 0; i < updated.spec.containers.size(); i++) {
            if (isEmpty(updated.spec.containers.get(i).image)) {
                v.required("spec.containers[" + i + "].image");
            }
        }
        return v.causes;
    }

    private void metadata(ResourceKind<?> kind, KubeObject object) {
        String name = object.metadata == null ? null : object.metadata.name;
        if (isEmpty(name)) {
            causes.add(new StatusCause("FieldValueRequired", "Required value: name or generateName is required", "metadata.name"));
        } else if (kind == ResourceKind.NAMESPACES) {
            dnsLabel("metadata.name", name);
        } else {
            dnsSubdomain("metadata.name", name);
        }
        if (object.metadata != null && object.metadata.labels != null) {
            for (Map.Entry<String, String> label : object.metadata.labels.entrySet()) {
                String value = label.getValue() == null ? "" : label.getValue();
                if (value.length() > 63) {
                    invalid("metadata.labels", value, "must be no more than 63 characters");
                }
            }
        }
    }

    private void pod(Pod pod) {
        if (pod.spec == null || pod.spec.containers == null || pod.spec.containers.isEmpty()) {
            required("spec.containers");
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < pod.spec.containers.size(); i++) {
            container("spec.containers[" + i + "]", pod.spec.containers.get(i), names);
        }
        supported("spec.restartPolicy", pod.spec.restartPolicy, "Always", "OnFailure", "Never");
        if (pod.spec.terminationGracePeriodSeconds != null && pod.spec.terminationGracePeriodSeconds < 0) {
            invalid("spec.terminationGracePeriodSeconds", pod.spec.terminationGracePeriodSeconds, "must be greater than or equal to 0");
        }
    }

    private void container(String path, Container container, Set<String> names) {
        if (isEmpty(container.name)) {
            required(path + ".name");
        } else {
            dnsLabel(path + ".name", container.name);
            if (!names.add(container.name)) {
                causes.add(new StatusCause("FieldValueDuplicate", "Duplicate value: \"" + container.name + "\"", path + ".name"));
            }
        }
        if (isEmpty(container.image)) {
            required(path + ".image");
        }
        supported(path + ".imagePullPolicy", container.imagePullPolicy, "Always", "IfNotPresent", "Never");
        if (container.ports != null) {
            for (int i = 0; i < container.ports.size(); i++) {
                port(path + ".ports[" + i + "]", container.ports.get(i));
            }
        }
        if (container.env != null) {
            for (int i = 0; i < container.env.size(); i++) {
                EnvVar env = container.env.get(i);
                if (isEmpty(env.name)) {
                    required(path + ".env[" + i + "].name");
                } else if (!ENV_NAME.matcher(env.name).matches()) {
                    invalid(path + ".env[" + i + "].name", env.name, "a valid environment variable name must consist of "
                            + "alphabetic characters, digits, '_', '-', or '.', and must not start with a digit");
                }
            }
        }
        if (container.resources != null) {
            quantities(path + ".resources.limits", container.resources.limits);
            quantities(path + ".resources.requests", container.resources.requests);
        }
    }

    private void port(String path, ContainerPort port) {
        if (port.containerPort == null) {
            required(path + ".containerPort");
        } else if (port.containerPort < 1 || port.containerPort > 65535) {
            invalid(path + ".containerPort", port.containerPort, "must be between 1 and 65535, inclusive");
        }
        if (port.hostPort != null && (port.hostPort < 0 || port.hostPort > 65535)) {
            invalid(path + ".hostPort", port.hostPort, "must be between 1 and 65535, inclusive");
        }
        supported(path + ".protocol", port.protocol, "SCTP", "TCP", "UDP");
        if (!isEmpty(port.name) && !DNS_LABEL.matcher(port.name).matches()) {
            invalid(path + ".name", port.name, LABEL_MESSAGE);
        }
    }

    private void quantities(String path, Map<String, String> quantities) {
        if (quantities == null) {
            return;
        }
        for (Map.Entry<String, String> entry : quantities.entrySet()) {
            if (!Quantity.isValid(entry.getValue())) {
                invalid(path + "[" + entry.getKey() + "]", entry.getValue(),
                        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
            }
        }
    }

    private void dnsLabel(String field, String value) {
        if (value.length() > 63 || !DNS_LABEL.matcher(value).matches()) {
            invalid(field, value, value.length() > 63 ? "must be no more than 63 characters" : LABEL_MESSAGE);
        }
    }

    private void dnsSubdomain(String field, String value) {
        if (value.length() > 253 || !DNS_SUBDOMAIN.matcher(value).matches()) {
            invalid(field, value, value.length() > 253 ? "must be no more than 253 characters" : SUBDOMAIN_MESSAGE);
        }
    }

    private void supported(String field, String value, String... allowed) {
        if (value == null || List.of(allowed).contains(value)) {
            return;
        }
        StringBuilder message = new StringBuilder("Unsupported value: \"").append(value).append("\": supported values: ");
        for (int i = 0; i < allowed.length; i++) {
            message.append(i == 0 ? "" : ", ").append('"').append(allowed[i]).append('"');
        }
        causes.add(new StatusCause("FieldValueNotSupported", message.toString(), field));
    }

    private void required(String field) {
        causes.add(new StatusCause("FieldValueRequired", "Required value", field));
    }

    private void invalid(String field, Object value, String detail) {
        String shown = value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
        causes.add(new StatusCause("FieldValueInvalid", "Invalid value: " + shown + ": " + detail, field));
    }

    private static boolean isEmpty(String value) {
        return value == null || value.isEmpty();
    }
}
