package io.gantry.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.core.v1.Quantity;
import io.gantry.api.meta.v1.StatusCause;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Collects the reasons an object is invalid, one {@link StatusCause} per bad field, worded as
 * Kubernetes' {@code field.Error} words them ({@code Required value},
 * {@code Invalid value: "x": ...}, {@code Unsupported value: ...}), so kubectl prints what
 * operators know. Also the common checks of names, labels and quantities.
 */
public final class Validator {

    static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final Pattern DNS_LABEL = Pattern.compile(LABEL);
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(LABEL + "(\\." + LABEL + ")*");
    private static final String QUALIFIED_NAME_PART = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final Pattern QUALIFIED_NAME = Pattern.compile(QUALIFIED_NAME_PART);
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    private static final Pattern C_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern IANA_SVC_NAME = Pattern.compile("[-a-z0-9]+");

    public static final String LABEL_MESSAGE = "a lowercase RFC 1123 label must consist of lower case alphanumeric "
            + "characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
            + "regex used for validation is '" + LABEL + "')";
    public static final String SUBDOMAIN_MESSAGE = "a lowercase RFC 1123 subdomain must consist of lower case "
            + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
            + "'example.com', regex used for validation is '" + LABEL + "(\\." + LABEL + ")*')";
    private static final String QUALIFIED_NAME_MESSAGE = "name part must consist of alphanumeric characters, '-', '_' "
            + "or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
            + "'123-abc', regex used for validation is '" + QUALIFIED_NAME_PART + "')";
    private static final String LABEL_VALUE_MESSAGE = "a valid label must be an empty string or consist of alphanumeric "
            + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
            + "'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    private final List<StatusCause> causes = new ArrayList<>();

    /** The causes found so far; empty if the object is valid. */
    public List<StatusCause> causes() {
        return causes;
    }

    public boolean isEmpty() {
        return causes.isEmpty();
    }

    // --- the field.Error kinds ---

    public void required(String field) {
        causes.add(new StatusCause("FieldValueRequired", "Required value", field));
    }

    public void required(String field, String detail) {
        causes.add(new StatusCause("FieldValueRequired", "Required value: " + detail, field));
    }

    public void invalid(String field, Object value, String detail) {
        causes.add(new StatusCause("FieldValueInvalid", "Invalid value: " + show(value) + ": " + detail, field));
    }

    public void notSupported(String field, Object value, Collection<String> supported) {
        causes.add(new StatusCause("FieldValueNotSupported", "Unsupported value: " + show(value) + ": supported values: "
                + supported.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", ")), field));
    }

    public void forbidden(String field, String detail) {
        causes.add(new StatusCause("FieldValueForbidden", "Forbidden: " + detail, field));
    }

    public void duplicate(String field, Object value) {
        causes.add(new StatusCause("FieldValueDuplicate", "Duplicate value: " + show(value), field));
    }

    public void tooLong(String field, Object value, int max) {
        causes.add(new StatusCause("FieldValueTooLong", "Too long: may not be more than " + max + " bytes", field));
    }

    /** The field may not change after creation. */
    public void immutable(String field, Object value) {
        invalid(field, value, "field is immutable");
    }

    // --- common checks; each returns true when the value passed ---

    /** A value from a fixed set; null (absent) passes, as defaulting fills it. */
    public boolean oneOf(String field, String value, Collection<String> supported) {
        if (value == null || supported.contains(value)) {
            return true;
        }
        notSupported(field, value, supported);
        return false;
    }

    public boolean dns1123Label(String field, String value) {
        if (value.length() > 63) {
            invalid(field, value, "must be no more than 63 characters");
            return false;
        }
        if (!DNS_LABEL.matcher(value).matches()) {
            invalid(field, value, LABEL_MESSAGE);
            return false;
        }
        return true;
    }

    public boolean dns1123Subdomain(String field, String value) {
        if (value.length() > 253) {
            invalid(field, value, "must be no more than 253 characters");
            return false;
        }
        if (!DNS_SUBDOMAIN.matcher(value).matches()) {
            invalid(field, value, SUBDOMAIN_MESSAGE);
            return false;
        }
        return true;
    }

    /** A name as its kind's rule wants it. */
    public boolean name(String field, String value, NameRule rule) {
        return switch (rule) {
            case DNS1123_LABEL -> dns1123Label(field, value);
            case DNS1123_SUBDOMAIN -> dns1123Subdomain(field, value);
            case PATH_SEGMENT -> pathSegment(field, value);
        };
    }

    public boolean pathSegment(String field, String value) {
        if (value.equals(".") || value.equals("..")) {
            invalid(field, value, "may not be '" + value + "'");
            return false;
        }
        for (String bad : new String[] {"/", "%"}) {
            if (value.contains(bad)) {
                invalid(field, value, "may not contain '" + bad + "'");
                return false;
            }
        }
        return true;
    }

    /** A label or annotation key: an optional DNS subdomain prefix and a qualified name. */
    public boolean qualifiedName(String field, String key) {
        String name = key;
        int slash = key.indexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty()) {
                invalid(field, key, "prefix part must be non-empty");
                return false;
            }
            if (prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
                invalid(field, key, "prefix part " + SUBDOMAIN_MESSAGE);
                return false;
            }
        }
        if (name.isEmpty()) {
            invalid(field, key, "name part must be non-empty");
            return false;
        }
        if (name.length() > 63) {
            invalid(field, key, "name part must be no more than 63 characters");
            return false;
        }
        if (!QUALIFIED_NAME.matcher(name).matches()) {
            invalid(field, key, QUALIFIED_NAME_MESSAGE);
            return false;
        }
        return true;
    }

    /** Labels: qualified keys, values of at most 63 characters of the label syntax. */
    public void labels(String field, JsonNode labels) {
        if (labels == null || !labels.isObject()) {
            return;
        }
        labels.fields().forEachRemaining(entry -> {
            qualifiedName(field, entry.getKey());
            String value = entry.getValue().asText("");
            if (value.length() > 63) {
                invalid(field, value, "must be no more than 63 characters");
            } else if (!LABEL_VALUE.matcher(value).matches()) {
                invalid(field, value, LABEL_VALUE_MESSAGE);
            }
        });
    }

    /** Annotations: qualified keys, and all of them together at most 256 KiB. */
    public void annotations(String field, JsonNode annotations) {
        if (annotations == null || !annotations.isObject()) {
            return;
        }
        long total = 0;
        var entries = annotations.fields();
        while (entries.hasNext()) {
            var entry = entries.next();
            qualifiedName(field, entry.getKey());
            total += entry.getKey().length() + entry.getValue().asText("").length();
        }
        if (total > 256 * 1024) {
            tooLong(field, "", 256 * 1024);
        }
    }

    /** A Kubernetes resource quantity such as {@code 250m} or {@code 64Mi}. */
    public boolean quantity(String field, JsonNode value) {
        String text = value.isNumber() ? value.asText() : value.asText("");
        if (!Quantity.isValid(text)) {
            invalid(field, text, "quantities must match the regular expression "
                    + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
            return false;
        }
        return true;
    }

    /** A port number 1..65535. */
    public boolean port(String field, long value) {
        if (value < 1 || value > 65535) {
            invalid(field, value, "must be between 1 and 65535, inclusive");
            return false;
        }
        return true;
    }

    /** A named port: an IANA service name (at most 15 characters, a letter, no double hyphen). */
    public boolean portName(String field, String value) {
        if (value.length() > 15) {
            invalid(field, value, "must be no more than 15 characters");
            return false;
        }
        if (!IANA_SVC_NAME.matcher(value).matches()) {
            invalid(field, value, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
            return false;
        }
        if (value.contains("--")) {
            invalid(field, value, "must not contain consecutive hyphens");
            return false;
        }
        if (!value.matches(".*[a-z].*")) {
            invalid(field, value, "must contain at least one letter (a-z)");
            return false;
        }
        if (value.startsWith("-") || value.endsWith("-")) {
            invalid(field, value, "must not begin or end with a hyphen");
            return false;
        }
        return true;
    }

    /** A non-negative number. */
    public boolean nonNegative(String field, long value) {
        if (value < 0) {
            invalid(field, value, "must be greater than or equal to 0");
            return false;
        }
        return true;
    }

    /** An environment variable or config key that must be a C identifier. */
    public boolean cIdentifier(String field, String value) {
        if (!C_IDENTIFIER.matcher(value).matches()) {
            invalid(field, value, "a valid C identifier must start with alphabetic character or '_', followed by a "
                    + "string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used "
                    + "for validation is '[A-Za-z_][A-Za-z0-9_]*')");
            return false;
        }
        return true;
    }

    private static String show(Object value) {
        if (value instanceof JsonNode node) {
            return node.isTextual() ? "\"" + node.asText() + "\"" : node.toString();
        }
        return value instanceof String ? "\"" + value + "\"" : Objects.toString(value);
    }
}
