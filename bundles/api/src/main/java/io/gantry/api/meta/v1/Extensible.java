package io.gantry.api.meta.v1;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The base of every model class: keeps each JSON field the class does not declare, as read, so
 * that a component that reads an object and writes it back loses nothing the API server stored
 * (fields of a newer Kubernetes version, fields the model leaves out).
 *
 * <p>Kept fields are written after the declared ones, unchanged, empty objects and maps
 * included ({@code emptyDir: {}} means something).
 */
public abstract class Extensible {

    private Map<String, JsonNode> extras;

    /** The fields read that the class does not declare, by JSON name, read-only; empty if none. */
    @JsonAnyGetter
    public Map<String, JsonNode> extras() {
        return extras == null ? Map.of() : Collections.unmodifiableMap(extras);
    }

    /** A field the class does not declare, or null. */
    public JsonNode extra(String name) {
        return extras == null ? null : extras.get(name);
    }

    /** Keeps (or, with null, forgets) a field the class does not declare. */
    @JsonAnySetter
    public void extra(String name, JsonNode value) {
        if (value == null) {
            if (extras != null) {
                extras.remove(name);
            }
            return;
        }
        if (extras == null) {
            extras = new LinkedHashMap<>();
        }
        extras.put(name, value);
    }
}
