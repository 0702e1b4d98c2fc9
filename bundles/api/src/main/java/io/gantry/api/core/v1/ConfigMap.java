package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.KubeObject;
import java.util.Map;

/**
 * Kubernetes {@code v1 ConfigMap}: configuration as text ({@code data}) and base64 bytes
 * ({@code binaryData}), keys unique across both; {@code immutable} forbids later changes.
 */
public class ConfigMap extends KubeObject {

    public Map<String, String> data;
    public Map<String, String> binaryData;
    public Boolean immutable;

    public ConfigMap() {
        super("v1", "ConfigMap");
    }
}
