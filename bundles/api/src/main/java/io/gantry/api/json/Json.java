package io.gantry.api.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON and YAML mapping of the object model, configured once as Kubernetes writes objects:
 * empty fields left out, field order as declared, timestamps as strings.
 *
 * <p>Reading is strict or lenient about unknown fields, and the same for every type: strict
 * (for {@code fieldValidation=Strict}, the default of kubectl) rejects an unknown field naming its
 * path; lenient drops it, as the API server does for {@code Ignore} and {@code Warn}.
 */
public final class Json {

    private static final ObjectMapper JSON = configure(new ObjectMapper());
    private static final ObjectMapper YAML = configure(new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)));

    private Json() {
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        return mapper
                .setDefaultPropertyInclusion(JsonInclude.Include.NON_EMPTY)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** The shared JSON mapper; lenient when reading. */
    public static ObjectMapper mapper() {
        return JSON;
    }

    /** The shared YAML mapper; lenient when reading. */
    public static ObjectMapper yamlMapper() {
        return YAML;
    }

    /** A reader that rejects unknown fields, for JSON or YAML ({@code yaml} true). */
    public static ObjectReader strictReader(Class<?> type, boolean yaml) {
        return (yaml ? YAML : JSON).readerFor(type).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** Reads JSON, dropping unknown fields. */
    public static <T> T read(byte[] json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads JSON text, dropping unknown fields. */
    public static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads YAML text, dropping unknown fields. */
    public static <T> T readYaml(String yaml, Class<T> type) {
        try {
            return YAML.readValue(yaml, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String writePretty(Object value) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String writeYaml(Object value) {
        try {
            return YAML.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode tree(Object value) {
        return JSON.valueToTree(value);
    }

    /** A deep copy, through JSON, so that a cached object is never changed by its reader. */
    @SuppressWarnings("unchecked")
    public static <T> T copy(T value) {
        if (value == null) {
            return null;
        }
        try {
            return (T) JSON.treeToValue(JSON.valueToTree(value), value.getClass());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
