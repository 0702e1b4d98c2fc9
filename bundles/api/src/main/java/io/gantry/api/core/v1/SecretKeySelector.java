package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code SecretKeySelector}: one key of a secret. */
public class SecretKeySelector extends Extensible {

    public String name;
    public String key;
    public Boolean optional;

    public SecretKeySelector() {
    }

    public SecretKeySelector(String name, String key) {
        this.name = name;
        this.key = key;
    }
}
