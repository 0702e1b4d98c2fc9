package io.gantry.apiserver.patch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The merge tags of the built-in Kubernetes types, read from {@code field-tags.txt}: per protobuf
 * message and JSON field, the strategic-merge strategy and key, the server-side-apply list type
 * and keys, atomic maps and structs, and which embedded structs JSON inlines.
 */
final class FieldTags {

    /** One field's tags; absent attributes are null (an untagged field). */
    record Tag(String patchStrategy, String patchMergeKey, String listType, List<String> listKeys,
               boolean atomic, String defaultValue, boolean valueStruct, boolean nullWhenZero) {

        static final Tag NONE = new Tag(null, null, null, List.of(), false, null, false, false);

        boolean retainKeys() {
            return patchStrategy != null && List.of(patchStrategy.split(",")).contains("retainKeys");
        }

        /** The strategy without retainKeys: "merge", "replace" or null. */
        String mergeStrategy() {
            if (patchStrategy == null) {
                return null;
            }
            for (String s : patchStrategy.split(",")) {
                if (!s.equals("retainKeys")) {
                    return s;
                }
            }
            return null;
        }
    }

    private final Map<String, Map<String, Tag>> byMessage;
    private final Map<String, List<String>> inlined;

    private FieldTags(Map<String, Map<String, Tag>> byMessage, Map<String, List<String>> inlined) {
        this.byMessage = byMessage;
        this.inlined = inlined;
    }

    static FieldTags load() {
        try (InputStream in = FieldTags.class.getResourceAsStream("field-tags.txt")) {
            if (in == null) {
                throw new IllegalStateException("field-tags.txt is missing from the bundle");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static FieldTags parse(List<String> lines) {
        Map<String, Map<String, Tag>> byMessage = new HashMap<>();
        Map<String, List<String>> inlined = new HashMap<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.trim().split(" ");
            Map<String, String> attrs = new HashMap<>();
            for (int i = 2; i < words.length; i++) {
                int eq = words[i].indexOf('=');
                if (eq < 0) {
                    attrs.put(words[i], "true");
                } else {
                    attrs.put(words[i].substring(0, eq), words[i].substring(eq + 1));
                }
            }
            if (words[1].equals("-inline-")) {
                inlined.computeIfAbsent(words[0], m -> new ArrayList<>()).add(attrs.get("inline"));
                continue;
            }
            String keys = attrs.get("keys");
            Tag tag = new Tag(attrs.get("patch"), attrs.get("key"), attrs.get("list"),
                    keys == null ? List.of() : List.of(keys.split(",")),
                    "atomic".equals(attrs.get("map")) || "atomic".equals(attrs.get("struct")),
                    attrs.get("default"), attrs.containsKey("value"),
                    attrs.containsKey("null"));
            byMessage.computeIfAbsent(words[0], m -> new HashMap<>()).put(words[1], tag);
        }
        return new FieldTags(byMessage, inlined);
    }

    Tag field(String message, String jsonField) {
        return byMessage.getOrDefault(message, Map.of()).getOrDefault(jsonField, Tag.NONE);
    }

    /** The message's own tags (a struct marked atomic), under the field name ".". */
    Tag self(String message) {
        return field(message, ".");
    }

    /**
     * The fields a zero Go value of the message still carries: non-pointer structs as {}, lists,
     * maps and pointers without omitempty as null.
     */
    Map<String, Boolean> zeroFields(String message) {
        Map<String, Boolean> fields = new HashMap<>();
        byMessage.getOrDefault(message, Map.of()).forEach((field, tag) -> {
            if (tag.valueStruct() || tag.nullWhenZero()) {
                fields.put(field, tag.valueStruct());
            }
        });
        return fields;
    }

    /** The protobuf fields of the message whose own fields JSON shows inline. */
    List<String> inlined(String message) {
        return inlined.getOrDefault(message, Collections.emptyList());
    }
}
