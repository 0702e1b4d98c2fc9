package io.gantry.kubelet;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.EnvFromSource;
import io.gantry.api.core.v1.EnvVar;
import io.gantry.api.core.v1.EnvVarSource;
import io.gantry.api.core.v1.Pod;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A container's environment as Kubernetes builds it: {@code envFrom} sources in order, then
 * {@code env} (literal values, keys of secrets and config maps, pod fields, resources), each
 * later entry overriding an earlier one; {@code $(NAME)} in values, command and args expands to
 * variables defined before it or to a service variable, {@code $$} escapes. Last, the service
 * variables ({@link ServiceEnv}) of the services that exist now, where the container does not set
 * the same name itself.
 */
final class ContainerEnv {

    private final Pod pod;
    private final ConfigSource config;
    private final String podIp;
    private final String hostIp;
    private final Map<String, String> allocatable;

    ContainerEnv(Pod pod, ConfigSource config, String podIp, String hostIp, Map<String, String> allocatable) {
        this.pod = pod;
        this.config = config;
        this.podIp = podIp;
        this.hostIp = hostIp;
        this.allocatable = allocatable;
    }

    /**
     * The environment of the container.
     *
     * @throws PodSetupException ({@code CreateContainerConfigError}) naming what is missing
     */
    Map<String, String> of(Container container) {
        Map<String, String> services = ServiceEnv.of(pod, config.services(pod.metadata.namespace),
                config.services("default"));
        Map<String, String> env = new LinkedHashMap<>();
        if (container.envFrom != null) {
            for (EnvFromSource source : container.envFrom) {
                String prefix = source.prefix == null ? "" : source.prefix;
                Map<String, byte[]> data = null;
                if (source.configMapRef != null) {
                    data = config.configMap(pod.metadata.namespace, source.configMapRef.name);
                    if (data == null && !Boolean.TRUE.equals(source.configMapRef.optional)) {
                        throw missing("configmap", source.configMapRef.name);
                    }
                } else if (source.secretRef != null) {
                    data = config.secret(pod.metadata.namespace, source.secretRef.name);
                    if (data == null && !Boolean.TRUE.equals(source.secretRef.optional)) {
                        throw missing("secret", source.secretRef.name);
                    }
                }
                if (data != null) {
                    data.forEach((key, value) -> env.put(prefix + key, new String(value, StandardCharsets.UTF_8)));
                }
            }
        }
        if (container.env != null) {
            for (EnvVar var : container.env) {
                String value = var.valueFrom != null ? valueFrom(container, var.valueFrom)
                        : expand(var.value == null ? "" : var.value, scope(env, services));
                if (value != null) {
                    env.put(var.name, value);
                }
            }
        }
        services.forEach(env::putIfAbsent);
        return env;
    }

    /** What {@code $(NAME)} sees: the container's variables, then the services'. */
    private static Map<String, String> scope(Map<String, String> env, Map<String, String> services) {
        if (services.isEmpty()) {
            return env;
        }
        Map<String, String> scope = new LinkedHashMap<>(services);
        scope.putAll(env);
        return scope;
    }

    /** The command or args with {@code $(NAME)} expanded from the environment. */
    static List<String> expand(List<String> words, Map<String, String> env) {
        if (words == null) {
            return null;
        }
        List<String> expanded = new ArrayList<>();
        for (String word : words) {
            expanded.add(expand(word, env));
        }
        return expanded;
    }

    /** Kubernetes' expansion: {@code $(NAME)} of a defined variable is replaced, {@code $$} is {@code $}, else unchanged. */
    static String expand(String text, Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < text.length()) {
                char next = text.charAt(i + 1);
                if (next == '$') {
                    out.append('$');
                    i++;
                    continue;
                }
                if (next == '(') {
                    int close = text.indexOf(')', i + 2);
                    if (close > 0) {
                        String name = text.substring(i + 2, close);
                        if (env.containsKey(name)) {
                            out.append(env.get(name));
                            i = close;
                            continue;
                        }
                    }
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /** The value of a valueFrom, or null for an optional key that is absent (the variable is left out). */
    private String valueFrom(Container container, EnvVarSource source) {
        if (source.fieldRef != null) {
            return PodFields.field(pod, source.fieldRef, podIp, hostIp);
        }
        if (source.resourceFieldRef != null) {
            return PodFields.resource(pod, container, source.resourceFieldRef, allocatable);
        }
        if (source.secretKeyRef != null) {
            return key("secret", "Secret", config.secret(pod.metadata.namespace, source.secretKeyRef.name),
                    source.secretKeyRef.name, source.secretKeyRef.key, Boolean.TRUE.equals(source.secretKeyRef.optional));
        }
        if (source.configMapKeyRef != null) {
            return key("configmap", "ConfigMap", config.configMap(pod.metadata.namespace, source.configMapKeyRef.name),
                    source.configMapKeyRef.name, source.configMapKeyRef.key,
                    Boolean.TRUE.equals(source.configMapKeyRef.optional));
        }
        return "";
    }

    private String key(String resource, String kind, Map<String, byte[]> data, String name, String key, boolean optional) {
        if (data == null) {
            if (optional) {
                return null;
            }
            throw missing(resource, name);
        }
        byte[] value = data.get(key);
        if (value == null) {
            if (optional) {
                return null;
            }
            throw new PodSetupException("CreateContainerConfigError", "couldn't find key " + key + " in " + kind + " "
                    + pod.metadata.namespace + "/" + name);
        }
        return new String(value, StandardCharsets.UTF_8);
    }

    private static PodSetupException missing(String resource, String name) {
        return new PodSetupException("CreateContainerConfigError", resource + " \"" + name + "\" not found");
    }
}
