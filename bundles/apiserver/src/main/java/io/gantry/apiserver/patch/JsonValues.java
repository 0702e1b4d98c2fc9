package io.gantry.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** Equality of JSON values as Go's decoded JSON compares them: numbers by value, not by Java type. */
final class JsonValues {

    private JsonValues() {
    }

    static boolean same(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b || (a == null ? b.isNull() || b.isMissingNode() : a.isNull() || a.isMissingNode());
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!same(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            Iterator<Map.Entry<String, JsonNode>> fields = a.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!b.has(field.getKey()) || !same(field.getValue(), b.get(field.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** The value as Go's %v prints it in a path: strings quoted, numbers and booleans bare. */
    static String print(JsonNode value) {
        return value.isTextual() ? quote(value.textValue()) : value.toString();
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
