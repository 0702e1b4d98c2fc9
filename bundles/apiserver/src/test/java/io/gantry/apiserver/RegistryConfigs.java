package io.gantry.apiserver;

import java.lang.annotation.Annotation;

/** The API server's configuration for tests: a storage backend by name, the default service ranges. */
final class RegistryConfigs {

    private RegistryConfigs() {
    }

    static Registry.Config storage(String name) {
        return new Registry.Config() {
            @Override
            public String storage() {
                return name;
            }

            @Override
            public String serviceClusterIPRange() {
                return "127.96.0.0/16";
            }

            @Override
            public String serviceNodePortRange() {
                return "30000-32767";
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return Registry.Config.class;
            }
        };
    }
}
