package io.gantry.apiserver.kinds.configmap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.apiserver.kinds.ConfigKeys;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Validator;
import java.util.List;

/** v1 ConfigMaps, as {@code ValidateConfigMap}: valid keys, none in both maps, at most 1 MiB, immutable once marked. */
public final class ConfigMapStrategy extends KindStrategy {

    public ConfigMapStrategy() {
        super(ResourceKind.CONFIG_MAPS);
    }

    @Override
    public void validate(ObjectNode configMap, Validator v) {
        JsonNode data = configMap.path("data");
        JsonNode binary = configMap.path("binaryData");
        ConfigKeys.keys(data, "data", v);
        ConfigKeys.keys(binary, "binaryData", v);
        long size = 0;
        var keys = data.fields();
        while (keys.hasNext()) {
            var entry = keys.next();
            size += entry.getValue().asText("").getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        var binaryKeys = binary.fields();
        while (binaryKeys.hasNext()) {
            var entry = binaryKeys.next();
            if (data.has(entry.getKey())) {
                v.invalid("binaryData[" + entry.getKey() + "]", entry.getKey(), "duplicate of key present in data");
            }
            // Stored base64; the limit counts the decoded bytes.
            size += entry.getValue().asText("").length() * 3L / 4;
        }
        if (size > ConfigKeys.MAX_SIZE) {
            v.tooLong("", "", ConfigKeys.MAX_SIZE);
        }
    }

    @Override
    public void validateUpdate(ObjectNode configMap, ObjectNode old, Validator v) {
        validate(configMap, v);
        ConfigKeys.immutable(configMap, old, v, "data", "binaryData");
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.NAME,
                Column.of("Data", "Data contains the configuration data.",
                        cm -> (long) (cm.path("data").size() + cm.path("binaryData").size())),
                Column.AGE);
    }
}
