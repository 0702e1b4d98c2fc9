package io.gantry.api.core.v1;

/** Kubernetes {@code EnvFromSource}: every key of a config map or secret as a variable, with an optional prefix. */
public class EnvFromSource {

    public String prefix;
    public ConfigMapEnvSource configMapRef;
    public SecretEnvSource secretRef;

    /** Kubernetes {@code ConfigMapEnvSource}. */
    public static class ConfigMapEnvSource {
        public String name;
        public Boolean optional;
    }

    /** Kubernetes {@code SecretEnvSource}. */
    public static class SecretEnvSource {
        public String name;
        public Boolean optional;
    }
}
