package io.gantry.api.core.v1;

/** Kubernetes {@code SecretKeySelector}: one key of a secret. */
public class SecretKeySelector {

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
