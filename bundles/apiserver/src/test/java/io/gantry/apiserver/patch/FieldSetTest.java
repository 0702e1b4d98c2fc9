package io.gantry.apiserver.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.gantry.api.json.Json;
import org.junit.jupiter.api.Test;

/** The set operations share subtrees with their operands and never change them. */
class FieldSetTest {

    private static final String SPEC = """
            {"f:metadata":{"f:labels":{"f:app":{}}},
             "f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},"f:name":{}}},"f:replicas":{}}}
            """;
    private static final String OTHER = """
            {"f:metadata":{"f:labels":{"f:tier":{}}},
             "f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{"f:image":{}}},"f:paused":{}}}
            """;

    @Test
    void operationsGiveTheExpectedSetsAndLeaveTheirOperandsAsTheyWere() throws Exception {
        FieldSet spec = set(SPEC);
        FieldSet other = set(OTHER);

        FieldSet union = spec.union(other);
        FieldSet difference = spec.difference(other);
        FieldSet intersection = spec.intersection(other);

        assertEquals(set(SPEC).toFieldsV1(), spec.toFieldsV1());
        assertEquals(set(OTHER).toFieldsV1(), other.toFieldsV1());
        assertEquals(set("""
                {"f:metadata":{"f:labels":{"f:app":{},"f:tier":{}}},
                 "f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},"f:name":{}}},
                           "f:paused":{},"f:replicas":{}}}
                """).toFieldsV1(), union.toFieldsV1());
        assertEquals(set("""
                {"f:metadata":{"f:labels":{"f:app":{}}},
                 "f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:name":{}}},"f:replicas":{}}}
                """).toFieldsV1(), difference.toFieldsV1());
        assertEquals(set("""
                {"f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{"f:image":{}}}}}
                """).toFieldsV1(), intersection.toFieldsV1());
    }

    @Test
    void anEmptyOperandGivesTheOtherSetItself() throws Exception {
        FieldSet spec = set(SPEC);
        FieldSet empty = new FieldSet();
        assertSame(spec, spec.union(empty));
        assertSame(spec, empty.union(spec));
        assertSame(spec, spec.difference(empty));
    }

    private static FieldSet set(String fieldsV1) throws Exception {
        return FieldSet.fromFieldsV1(Json.mapper().readTree(fieldsV1));
    }
}
