package io.gantry.apiserver.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.StatusCause;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** Helpers of the strategies' unit tests: manifests from YAML, causes and cells as plain strings. */
public final class KindTesting {

    private KindTesting() {
    }

    /** An object tree from YAML (or JSON). */
    public static ObjectNode tree(String yaml) {
        try {
            return (ObjectNode) Json.yamlMapper().readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A create as the registry runs it: defaults, then prepareForCreate, then validation. */
    public static ObjectNode created(KindStrategy strategy, String yaml) {
        ObjectNode object = tree(yaml);
        strategy.applyDefaults(object);
        strategy.prepareForCreate(object);
        return object;
    }

    /** The causes of a new object's validation (after defaulting), as {@code field|reason|message}. */
    public static List<String> createCauses(KindStrategy strategy, String yaml) {
        ObjectNode object = created(strategy, yaml);
        return causes(object, strategy::validate);
    }

    /** The causes of an update from one manifest to another (both defaulted), as the registry runs it. */
    public static List<String> updateCauses(KindStrategy strategy, String oldYaml, String newYaml) {
        ObjectNode old = created(strategy, oldYaml);
        ObjectNode updated = tree(newYaml);
        strategy.applyDefaults(updated);
        strategy.prepareForUpdate(updated, old);
        Validator v = new Validator();
        strategy.validateUpdate(updated, old, v);
        return strings(v.causes());
    }

    public static List<String> causes(ObjectNode object, BiConsumer<ObjectNode, Validator> check) {
        Validator v = new Validator();
        check.accept(object, v);
        return strings(v.causes());
    }

    private static List<String> strings(List<StatusCause> causes) {
        List<String> out = new ArrayList<>();
        for (StatusCause cause : causes) {
            out.add(cause.field + "|" + cause.reason + "|" + cause.message);
        }
        return out;
    }

    /** The column names, and the cells of one object, in the order of the strategy's columns. */
    public static List<String> header(KindStrategy strategy, boolean wide) {
        List<String> names = new ArrayList<>();
        for (Column column : strategy.columns()) {
            if (wide || column.priority() == 0) {
                names.add(column.name());
            }
        }
        return names;
    }

    public static List<Object> cells(KindStrategy strategy, ObjectNode object, boolean wide) {
        List<Object> cells = new ArrayList<>();
        for (Column column : strategy.columns()) {
            if (wide || column.priority() == 0) {
                cells.add(column.cell().apply(object));
            }
        }
        return cells;
    }

    /** Asserts two trees equal (field order aside), showing both as sorted JSON when they differ. */
    public static void assertTree(String expectedYaml, ObjectNode actual) {
        assertEquals(sorted(tree(expectedYaml)), sorted(actual));
    }

    private static String sorted(ObjectNode node) {
        try {
            ObjectMapper mapper = Json.mapper().copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .enable(SerializationFeature.INDENT_OUTPUT);
            return mapper.writeValueAsString(mapper.convertValue(node, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
