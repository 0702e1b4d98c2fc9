package io.gantry.api.json;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.gantry.api.meta.v1.ObjectMeta;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON and YAML mapping of the object model, configured once as Kubernetes writes objects:
 * empty fields left out (as Go's {@code omitempty}), but every entry of a map kept, empty values
 * included (a label {@code a: ""}, a config map key with an empty value, {@code emptyDir: {}});
 * field order as declared, timestamps as strings.
 *
 * <p>Reading is lenient or strict about unknown fields, and the same for every type: lenient
 * keeps them in the object ({@link io.gantry.api.meta.v1.Extensible}) and writes them back;
 * strict rejects an unknown field naming its path.
 */
public final class Json {

    private static final ObjectMapper JSON = configure(new ObjectMapper());
    private static final ObjectMapper YAML = configure(new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            // "2" stays a string when read again (an annotation, a resourceVersion), as kubectl writes it
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)));
    // the same, except that they see only declared fields: an unknown one is not kept as an extra
    private static final ObjectMapper DECLARED_JSON = declaredOnly(JSON);
    private static final ObjectMapper DECLARED_YAML = declaredOnly(YAML);
    // the same as JSON, except that metadata.managedFields is skipped unread
    private static final ObjectMapper WITHOUT_MANAGED_FIELDS = JSON.copy()
            .addMixIn(ObjectMeta.class, WithoutManagedFields.class);

    @JsonIgnoreProperties("managedFields")
    private abstract static class WithoutManagedFields {
    }

    private Json() {
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        return mapper
                // NON_EMPTY for fields, ALWAYS for map entries: omitempty drops empty fields,
                // never an entry of a map (nor a kept unknown field, written as a map)
                .setDefaultPropertyInclusion(JsonInclude.Value.construct(
                        JsonInclude.Include.NON_EMPTY, JsonInclude.Include.ALWAYS))
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** A copy of a mapper that sees no {@code @JsonAnySetter}. */
    private static ObjectMapper declaredOnly(ObjectMapper mapper) {
        return mapper.copy()
                .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
                    @Override
                    public Boolean hasAnySetter(Annotated annotated) {
                        return Boolean.FALSE;
                    }
                });
    }

    /** The shared JSON mapper; lenient when reading (unknown fields are kept). */
    public static ObjectMapper mapper() {
        return JSON;
    }

    /** The shared YAML mapper; lenient when reading (unknown fields are kept). */
    public static ObjectMapper yamlMapper() {
        return YAML;
    }

    /** A reader that rejects unknown fields, for JSON or YAML ({@code yaml} true). */
    public static ObjectReader strictReader(Class<?> type, boolean yaml) {
        return declaredFieldsReader(type, yaml).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /**
     * A reader that sees only the fields the model declares, for JSON or YAML: an unknown field
     * is dropped, or handed to a {@code DeserializationProblemHandler} added to the reader, not
     * kept in the object.
     */
    public static ObjectReader declaredFieldsReader(Class<?> type, boolean yaml) {
        return (yaml ? DECLARED_YAML : DECLARED_JSON).readerFor(type);
    }

    /**
     * A JSON reader of the type, lenient as {@link #mapper()}; with {@code withoutManagedFields},
     * one that skips {@code metadata.managedFields} without reading it, for objects an informer
     * holds ({@link io.gantry.api.client.ListOptions#stripManagedFields}).
     */
    public static ObjectReader reader(Class<?> type, boolean withoutManagedFields) {
        return (withoutManagedFields ? WITHOUT_MANAGED_FIELDS : JSON).readerFor(type);
    }

    /** Reads JSON, keeping unknown fields. */
    public static <T> T read(byte[] json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads JSON text, keeping unknown fields. */
    public static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads YAML text, keeping unknown fields. */
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

    /**
     * A deep copy, through JSON, so that a cached object is never changed by its reader; unknown
     * fields kept in the object are copied too.
     */
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
