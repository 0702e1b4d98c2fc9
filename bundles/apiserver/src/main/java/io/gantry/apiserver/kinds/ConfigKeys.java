package io.gantry.apiserver.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.util.regex.Pattern;

/**
 * The keys of config maps and secrets ({@code IsConfigMapKey}), and the rule of objects marked
 * {@code immutable: true}: their data and the mark itself stay.
 */
public final class ConfigKeys {

    /** The largest a secret's or config map's data may be (Kubernetes' MaxSecretSize). */
    public static final int MAX_SIZE = 1024 * 1024;
    private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]+");

    private ConfigKeys() {
    }

    /** Checks every key of a data map at {@code path}, as {@code data[KEY]}. */
    public static void keys(JsonNode data, String path, Validator v) {
        data.fieldNames().forEachRemaining(key -> key(path + "[" + key + "]", key, v));
    }

    public static boolean key(String field, String key, Validator v) {
        if (key.length() > 253) {
            v.invalid(field, key, "must be no more than 253 characters");
            return false;
        }
        if (!KEY.matcher(key).matches()) {
            v.invalid(field, key, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
                    + "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
            return false;
        }
        if (key.equals(".") || key.equals("..")) {
            v.invalid(field, key, "must not be '" + key + "'");
            return false;
        }
        if (key.startsWith("..")) {
            v.invalid(field, key, "must not start with '..'");
            return false;
        }
        return true;
    }

    /**
     * Once {@code immutable} is true, it stays true and the listed data fields stay as they are
     * ({@code field is immutable when `immutable` is set}).
     */
    public static void immutable(JsonNode object, JsonNode old, Validator v, String... dataFields) {
        if (!old.path("immutable").asBoolean(false)) {
            return;
        }
        if (!object.path("immutable").asBoolean(false)) {
            v.forbidden("immutable", "field is immutable when `immutable` is set");
        }
        for (String field : dataFields) {
            if (!Trees.same(object.path(field), old.path(field))) {
                v.forbidden(field, "field is immutable when `immutable` is set");
            }
        }
    }
}
