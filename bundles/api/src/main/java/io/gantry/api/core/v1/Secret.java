package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.KubeObject;
import java.util.Base64;
import java.util.Map;

/**
 * Kubernetes {@code v1 Secret}: {@code data} holds base64 values as stored and read;
 * {@code stringData} is write-only plain text the API server merges into data. {@code type}
 * is {@code Opaque} by default.
 */
public class Secret extends KubeObject {

    public Map<String, String> data;
    public Map<String, String> stringData;
    public String type;
    public Boolean immutable;

    public Secret() {
        super("v1", "Secret");
    }

    /**
     * The decoded bytes of a data key, or null if absent.
     *
     * @throws IllegalArgumentException if the value is not base64
     */
    public byte[] decoded(String key) {
        String value = data == null ? null : data.get(key);
        return value == null ? null : Base64.getDecoder().decode(value);
    }
}
