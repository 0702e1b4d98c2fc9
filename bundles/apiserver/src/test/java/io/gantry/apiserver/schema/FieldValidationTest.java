package io.gantry.apiserver.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gantry.api.client.ApiException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** fieldValidation as kube-apiserver applies it, in its words. */
class FieldValidationTest {

    static final List<String> UNKNOWN = List.of("spec.replica", "spec.template.spec.containers[0].imagee");
    static final List<String> DUPLICATE = List.of("metadata.name");

    @Test
    void strictRejectsEverythingInOneMessage() {
        ApiException e = assertThrows(ApiException.class,
                () -> FieldValidation.of("Strict").apply("apps/v1", "Deployment", UNKNOWN, DUPLICATE));
        assertEquals(400, e.code());
        assertEquals("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: "
                + "unknown field \"spec.replica\", unknown field \"spec.template.spec.containers[0].imagee\", "
                + "duplicate field \"metadata.name\"", e.getMessage());
        assertEquals(List.of(), FieldValidation.STRICT.apply("v1", "Pod", List.of(), List.of()));
    }

    @Test
    void warnWarnsAndIgnoreSaysNothing() {
        assertEquals(FieldValidation.WARN, FieldValidation.of(null));
        assertEquals(List.of("unknown field \"spec.replica\"", "unknown field \"spec.template.spec.containers[0].imagee\"",
                "duplicate field \"metadata.name\""), FieldValidation.of("Warn").apply("apps/v1", "Deployment", UNKNOWN, DUPLICATE));
        assertEquals(List.of(), FieldValidation.of("Ignore").apply("apps/v1", "Deployment", UNKNOWN, DUPLICATE));
    }

    @Test
    void otherValuesAreBadRequests() {
        ApiException e = assertThrows(ApiException.class, () -> FieldValidation.of("strict"));
        assertEquals("fieldValidation: Unsupported value: \"strict\": supported values: \"Ignore\", \"Strict\", \"Warn\"",
                e.getMessage());
    }
}
