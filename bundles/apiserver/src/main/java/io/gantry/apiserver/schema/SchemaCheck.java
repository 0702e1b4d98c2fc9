package io.gantry.apiserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.gantry.api.meta.v1.StatusCause;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

/**
 * Checks a JSON object against the schema of its kind (a message descriptor): fields the kind
 * does not have, and values of the wrong type, each named by its path
 * ({@code spec.containers[0].ports[1].containerPort}, {@code metadata.labels[app]}) and worded in
 * OpenAPI's terms (integer, string, int-or-string, quantity, date-time), the way kube-apiserver
 * words schema errors. Null is allowed everywhere and means absent. Map fields (labels,
 * annotations, data) take any key.
 */
public final class SchemaCheck {

    /** Cause reason of a field the schema does not have. */
    public static final String UNKNOWN_FIELD = "FieldValueNotSupported";
    /** Cause reason of a value of the wrong JSON type. */
    public static final String TYPE_INVALID = "FieldValueTypeInvalid";
    /** Cause reason of a value of the right type but a wrong form (a bad quantity, date, base64, range). */
    public static final String VALUE_INVALID = "FieldValueInvalid";

    private static final BigInteger INT32_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT32_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private final Schemas schemas;

    public SchemaCheck(Schemas schemas) {
        this.schemas = schemas;
    }

    /**
     * What a check found: unknown fields (message {@code unknown field "spec.foo"}) apart from
     * wrong values, so that fieldValidation decides about the first and the second always reject.
     */
    public record Result(List<StatusCause> unknownFields, List<StatusCause> invalidValues) {

        public boolean clean() {
            return unknownFields.isEmpty() && invalidValues.isEmpty();
        }

        /** The unknown fields' paths, in document order. */
        public List<String> unknownFieldPaths() {
            return unknownFields.stream().map(cause -> cause.field).toList();
        }
    }

    /**
     * Checks an object of a kind. The object, and every object of a kind inside it (the items of
     * a list), may also carry {@code apiVersion} and {@code kind}, which their messages lack.
     *
     * @param dropUnknown remove unknown fields from the object, as kube-apiserver does for
     *     fieldValidation Ignore and Warn (they are still reported)
     */
    public Result check(ObjectNode object, Descriptor kind, boolean dropUnknown) {
        Walk walk = new Walk(dropUnknown);
        walk.object(object, kind, "");
        return new Result(List.copyOf(walk.unknown), List.copyOf(walk.invalid));
    }

    private final class Walk {

        final boolean drop;
        final List<StatusCause> unknown = new ArrayList<>();
        final List<StatusCause> invalid = new ArrayList<>();

        Walk(boolean drop) {
            this.drop = drop;
        }

        void object(ObjectNode object, Descriptor type, String path) {
            boolean typeMeta = schemas.kindOf(type).isPresent();
            for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                JsonNode value = object.get(name);
                String child = path.isEmpty() ? name : path + "." + name;
                if (typeMeta && (name.equals("apiVersion") || name.equals("kind"))) {
                    if (!value.isNull() && !value.isTextual()) {
                        wrongType(child, value, "string");
                    }
                    continue;
                }
                FieldDescriptor field = JsonShape.field(type, name, null);
                if (field == null) {
                    unknown.add(new StatusCause(UNKNOWN_FIELD, "unknown field \"" + child + "\"", child));
                    if (drop) {
                        names.remove();
                    }
                    continue;
                }
                field(field, value, child);
            }
        }

        void field(FieldDescriptor field, JsonNode value, String path) {
            if (value.isNull()) {
                return;
            }
            if (field.isMapField()) {
                if (!value.isObject()) {
                    wrongType(path, value, "object");
                    return;
                }
                FieldDescriptor valueField = field.getMessageType().findFieldByNumber(2);
                value.fields().forEachRemaining(entry -> element(valueField, entry.getValue(),
                        path + "[" + entry.getKey() + "]"));
            } else if (field.isRepeated()) {
                if (!value.isArray()) {
                    wrongType(path, value, "array");
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    element(field, value.get(i), path + "[" + i + "]");
                }
            } else {
                element(field, value, path);
            }
        }

        void element(FieldDescriptor field, JsonNode value, String path) {
            if (value.isNull()) {
                return;
            }
            switch (field.getJavaType()) {
                case MESSAGE:
                    message(field.getMessageType(), value, path);
                    break;
                case STRING:
                    if (!value.isTextual()) {
                        wrongType(path, value, "string");
                    }
                    break;
                case BYTE_STRING:
                    if (!value.isTextual()) {
                        wrongType(path, value, "string");
                    } else if (!base64(value.textValue())) {
                        wrongFormat(path, value, "byte");
                    }
                    break;
                case BOOLEAN:
                    if (!value.isBoolean()) {
                        wrongType(path, value, "boolean");
                    }
                    break;
                case INT:
                    integer(value, path, INT32_MIN, INT32_MAX);
                    break;
                case LONG:
                    integer(value, path, INT64_MIN, INT64_MAX);
                    break;
                case FLOAT:
                case DOUBLE:
                    if (!value.isNumber()) {
                        wrongType(path, value, "number");
                    }
                    break;
                default:
                    if (!value.isTextual()) {
                        wrongType(path, value, "string");
                    }
            }
        }

        void message(Descriptor type, JsonNode value, String path) {
            switch (JsonShape.of(type)) {
                case TIME:
                case MICRO_TIME:
                    if (!value.isTextual()) {
                        wrongType(path, value, "string");
                    } else if (!dateTime(value.textValue())) {
                        wrongFormat(path, value, "date-time");
                    }
                    break;
                case DURATION:
                    if (!value.isTextual()) {
                        wrongType(path, value, "string");
                    } else if (GoDuration.parse(value.textValue()).isEmpty()) {
                        wrongFormat(path, value, "duration");
                    }
                    break;
                case INT_OR_STRING:
                    if (value.isIntegralNumber()) {
                        integer(value, path, INT32_MIN, INT32_MAX);
                    } else if (!value.isTextual()) {
                        wrongType(path, value, "int-or-string");
                    }
                    break;
                case QUANTITY:
                    if (!value.isTextual() && !value.isNumber()) {
                        wrongType(path, value, "string");
                    } else if (!Quantities.valid(value.isTextual() ? value.textValue() : value.asText())) {
                        invalid.add(new StatusCause(VALUE_INVALID, "Invalid value: " + value
                                + ": quantities must match the regular expression "
                                + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'", path));
                    }
                    break;
                case RAW_EXTENSION:
                case FIELDS_V1:
                    break;
                default:
                    if (!value.isObject()) {
                        wrongType(path, value, "object");
                    } else {
                        object((ObjectNode) value, type, path);
                    }
            }
        }

        void integer(JsonNode value, String path, BigInteger min, BigInteger max) {
            if (!value.isIntegralNumber()) {
                wrongType(path, value, "integer");
                return;
            }
            BigInteger number = value.bigIntegerValue();
            if (number.compareTo(min) < 0) {
                invalid.add(new StatusCause(VALUE_INVALID, "Invalid value: " + value + ": " + path
                        + " in body should be greater than or equal to " + min, path));
            } else if (number.compareTo(max) > 0) {
                invalid.add(new StatusCause(VALUE_INVALID, "Invalid value: " + value + ": " + path
                        + " in body should be less than or equal to " + max, path));
            }
        }

        /** Worded as kube-apiserver's OpenAPI schema validation words it. */
        void wrongType(String path, JsonNode value, String expected) {
            String actual = jsonType(value);
            invalid.add(new StatusCause(TYPE_INVALID, "Invalid value: \"" + actual + "\": " + path
                    + " in body must be of type " + expected + ": \"" + actual + "\"", path));
        }

        void wrongFormat(String path, JsonNode value, String format) {
            invalid.add(new StatusCause(VALUE_INVALID, "Invalid value: " + value + ": " + path
                    + " in body must be of type " + format + ": " + value, path));
        }
    }

    /** A JSON value's type in OpenAPI's words. */
    static String jsonType(JsonNode value) {
        if (value.isObject()) {
            return "object";
        }
        if (value.isArray()) {
            return "array";
        }
        if (value.isTextual()) {
            return "string";
        }
        if (value.isBoolean()) {
            return "boolean";
        }
        if (value.isIntegralNumber()) {
            return "integer";
        }
        if (value.isNumber()) {
            return "number";
        }
        return "null";
    }

    static boolean dateTime(String text) {
        if (canonicalUtc(text)) {
            return true;
        }
        try {
            OffsetDateTime.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /**
     * Whether a time is in the form the API writes ({@code 2026-11-24T12:00:00Z}, with up to nine
     * digits of fraction as a MicroTime's): by hand, as the full parser costs microseconds per
     * timestamp. Days past the 28th are left to the parser, which knows each month's length; so
     * is every other form.
     */
    private static boolean canonicalUtc(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return false;
        }
        int month = number(text, 5);
        int day = number(text, 8);
        int hour = number(text, 11);
        int minute = number(text, 14);
        int second = number(text, 17);
        if (number(text, 0) < 0 || number(text, 2) < 0 || month < 1 || month > 12 || day < 1 || day > 28
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return false;
        }
        if (length == 20) {
            return true;
        }
        if (text.charAt(19) != '.' || length == 21) {
            return false;
        }
        for (int i = 20; i < length - 1; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The two decimal digits at an index, or -1. */
    private static int number(String text, int at) {
        char tens = text.charAt(at);
        char ones = text.charAt(at + 1);
        return tens < '0' || tens > '9' || ones < '0' || ones > '9' ? -1 : (tens - '0') * 10 + (ones - '0');
    }

    private static boolean base64(String text) {
        try {
            Base64.getDecoder().decode(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
