package io.gantry.apiserver.kinds.secret;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.apiserver.kinds.ConfigKeys;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * v1 Secrets, as {@code ValidateSecret}: type Opaque by default, {@code stringData} folded into
 * {@code data} (as the v1 conversion does), valid keys, the keys each well-known type needs, at
 * most 1 MiB; the type never changes and an immutable secret's data stays.
 */
public final class SecretStrategy extends KindStrategy {

    /** The data keys each well-known type requires. */
    private static final Map<String, List<String>> REQUIRED_KEYS = Map.of(
            "kubernetes.io/dockercfg", List.of(".dockercfg"),
            "kubernetes.io/dockerconfigjson", List.of(".dockerconfigjson"),
            "kubernetes.io/ssh-auth", List.of("ssh-privatekey"),
            "kubernetes.io/tls", List.of("tls.crt", "tls.key"));

    public SecretStrategy() {
        super(ResourceKind.SECRETS);
    }

    /** SetDefaults_Secret, and the v1 conversion that writes {@code stringData} over {@code data}. */
    @Override
    public void applyDefaults(ObjectNode secret) {
        if (Trees.textOr(secret, "", "type").isEmpty()) {
            secret.put("type", "Opaque");
        }
        JsonNode stringData = secret.get("stringData");
        if (stringData instanceof ObjectNode strings) {
            ObjectNode data = Trees.object(secret, "data");
            strings.fields().forEachRemaining(e -> data.put(e.getKey(),
                    Base64.getEncoder().encodeToString(e.getValue().asText("").getBytes(StandardCharsets.UTF_8))));
        }
        secret.remove("stringData");
    }

    @Override
    public void validate(ObjectNode secret, Validator v) {
        JsonNode data = secret.path("data");
        ConfigKeys.keys(data, "data", v);
        long size = 0;
        var entries = data.fields();
        while (entries.hasNext()) {
            var entry = entries.next();
            size += entry.getValue().asText("").length() * 3L / 4;
        }
        if (size > ConfigKeys.MAX_SIZE) {
            v.tooLong("data", "", ConfigKeys.MAX_SIZE);
        }
        String type = Trees.textOr(secret, "", "type");
        for (String key : REQUIRED_KEYS.getOrDefault(type, List.of())) {
            if (!data.has(key)) {
                v.required("data[" + key + "]");
            }
        }
        switch (type) {
            case "kubernetes.io/service-account-token" -> {
                if (Trees.textOr(secret, "", "metadata", "annotations", "kubernetes.io/service-account.name").isEmpty()) {
                    v.required("metadata.annotations[kubernetes.io/service-account.name]");
                }
            }
            case "kubernetes.io/basic-auth" -> {
                if (!data.has("username") && !data.has("password")) {
                    v.required("data[username]");
                    v.required("data[password]");
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void validateUpdate(ObjectNode secret, ObjectNode old, Validator v) {
        validate(secret, v);
        String type = Trees.textOr(secret, "", "type");
        if (!type.equals(Trees.textOr(old, "", "type"))) {
            v.immutable("type", type);
        }
        ConfigKeys.immutable(secret, old, v, "data");
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return Map.of("type", secret -> Trees.textOr(secret, "", "type"));
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.NAME,
                Column.of("Type", "Used to facilitate programmatic handling of secret data.",
                        secret -> Trees.textOr(secret, "", "type")),
                Column.of("Data", "Data contains the secret data.", secret -> (long) secret.path("data").size()),
                Column.AGE);
    }
}
