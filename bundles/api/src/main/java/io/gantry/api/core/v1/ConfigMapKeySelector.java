package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code ConfigMapKeySelector}: one key of a config map. */
public class ConfigMapKeySelector extends Extensible {

    public String name;
    public String key;
    public Boolean optional;

    public ConfigMapKeySelector() {
    }

    public ConfigMapKeySelector(String name, String key) {
        this.name = name;
        this.key = key;
    }
}
