package io.gantry.apiserver.schema;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which zero values Go's encoding/json leaves out. client-go's protobuf encoder writes every
 * non-pointer field, zero or not, while its JSON encoder leaves out the zero of an
 * {@code omitempty} field; a pointer field's zero is a value ({@code replicas: 0}). The
 * descriptors cannot tell these apart, so the omitempty non-pointer scalars are listed in
 * {@code omitempty-fields.txt}.
 */
final class GoOmitEmpty {

    private static final Set<String> FIELDS = load();

    private GoOmitEmpty() {
    }

    /** Whether this value of a singular scalar field is left out of the JSON form. */
    static boolean omitted(FieldDescriptor field, Object value) {
        return isZero(value) && FIELDS.contains(field.getFullName());
    }

    private static boolean isZero(Object value) {
        if (value instanceof String text) {
            return text.isEmpty();
        }
        if (value instanceof Boolean flag) {
            return !flag;
        }
        if (value instanceof Number number) {
            return number.doubleValue() == 0;
        }
        return value instanceof ByteString bytes && bytes.isEmpty();
    }

    private static Set<String> load() {
        try (InputStream in = GoOmitEmpty.class.getResourceAsStream("omitempty-fields.txt")) {
            if (in == null) {
                throw new IllegalStateException("omitempty-fields.txt is missing from the bundle");
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .map(String::trim)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .collect(Collectors.toUnmodifiableSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
