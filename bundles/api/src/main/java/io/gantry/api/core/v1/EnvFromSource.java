package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code EnvFromSource}: every key of a config map or secret as a variable, with an optional prefix. */
public class EnvFromSource extends Extensible {

    public String prefix;
    public ConfigMapEnvSource configMapRef;
    public SecretEnvSource secretRef;

    /** Kubernetes {@code ConfigMapEnvSource}. */
    public static class ConfigMapEnvSource extends Extensible {
        public String name;
        public Boolean optional;
    }

    /** Kubernetes {@code SecretEnvSource}. */
    public static class SecretEnvSource extends Extensible {
        public String name;
        public Boolean optional;
    }
}
