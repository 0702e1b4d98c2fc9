package io.gantry.api.meta.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.json.Json;
import org.junit.jupiter.api.Test;

/**
 * A component that reads an object and writes it back loses nothing: fields the model does not
 * declare survive at every level, empty objects and maps included.
 */
class ExtensibleTest {

    // a pod as kubectl sends it, with fields the model does not declare at every level
    private static final String POD = """
            {"apiVersion":"v1","kind":"Pod","fromTheFuture":{"a":[1,{}]},
             "metadata":{"name":"web","labels":{"app":"web","empty":""},"managedFields":[{"manager":"kubectl",
               "operation":"Apply","fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:app":{}}}}}]},
             "spec":{"volumes":[{"name":"scratch","emptyDir":{}}],"tolerations":[],
               "dnsConfig":{},"nodeSelector":{},
               "containers":[{"name":"c","image":"i","volumeMounts":[{"name":"scratch","mountPath":"/s"}],
                 "livenessProbe":{"httpGet":{"path":"/","port":"http"}},"resizePolicy":false,"restartPolicy":null,
                 "ports":[{"containerPort":80,"unknownPortField":{}}]}]},
             "status":{"phase":"Running","containerStatuses":[{"name":"c","ready":true,"restartCount":0,
               "state":{"running":{"startedAt":"2026-01-01T00:00:00Z","future":{}}},"volumeMounts":[]}]}}
            """;

    @Test
    void readingAndWritingBackLosesNothing() throws Exception {
        JsonNode sent = Json.mapper().readTree(POD);
        Pod pod = Json.read(POD, Pod.class);
        JsonNode written = Json.tree(pod);
        assertEquals(withoutEmptyDeclaredFields(sent), written);
        assertEquals("{}", pod.spec.extra("dnsConfig").toString());
        assertTrue(pod.spec.containers.get(0).ports.get(0).extra("unknownPortField").isObject());
        assertEquals("", written.at("/metadata/labels/empty").asText("absent"), "an empty label value is kept");
        assertTrue(written.at("/spec/volumes/0/emptyDir").isObject(), "emptyDir: {} is kept");
        assertTrue(written.at("/spec/tolerations").isArray(), "an unknown empty list is kept");
        assertTrue(written.at("/spec/containers/0/restartPolicy").isNull(), "an unknown null is kept");
        assertTrue(written.at("/status/containerStatuses/0/state/running/future").isObject());
    }

    @Test
    void copiesKeepExtrasAndShareNothing() {
        Pod pod = Json.read(POD, Pod.class);
        Pod copy = Json.copy(pod);
        assertEquals(Json.tree(pod), Json.tree(copy));
        assertNotSame(pod.spec.extra("tolerations"), copy.spec.extra("tolerations"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy.spec.extra("dnsConfig")).put("options", 1000);
        assertEquals(0, pod.spec.extra("dnsConfig").size(), "changing a copy's extra leaves the original alone");
    }

    @Test
    void yamlKeepsExtrasToo() throws Exception {
        Pod pod = Json.readYaml(Json.writeYaml(Json.read(POD, Pod.class)), Pod.class);
        assertEquals(Json.tree(Json.read(POD, Pod.class)), Json.tree(pod));
    }

    @Test
    void extrasCanBeSetAndForgotten() {
        OwnerReference owner = new OwnerReference();
        owner.extra("x", Json.mapper().getNodeFactory().textNode("y"));
        assertEquals("y", Json.tree(owner).get("x").asText());
        owner.extra("x", null);
        assertEquals(0, owner.extras().size());
        assertEquals("{}", Json.write(owner));
    }

    @Test
    void strictReadingStillRejectsWhatTheModelDoesNotDeclare() {
        UnrecognizedPropertyException e = assertThrows(UnrecognizedPropertyException.class,
                () -> Json.strictReader(Pod.class, false).readValue(
                        "{\"spec\":{\"containers\":[{\"name\":\"c\",\"imagePolicy\":\"Always\"}]}}"));
        assertEquals("imagePolicy", e.getPropertyName());
        assertTrue(e.getPathReference().contains("containers"), e.getPathReference());
    }

    @Test
    void theDeclaredFieldsReaderDropsWhatTheModelDoesNotDeclare() throws Exception {
        java.util.List<String> unknown = new java.util.ArrayList<>();
        Pod pod = Json.declaredFieldsReader(Pod.class, false)
                .withHandler(new com.fasterxml.jackson.databind.deser.DeserializationProblemHandler() {
                    @Override
                    public boolean handleUnknownProperty(com.fasterxml.jackson.databind.DeserializationContext context,
                            com.fasterxml.jackson.core.JsonParser parser,
                            com.fasterxml.jackson.databind.JsonDeserializer<?> deserializer, Object bean, String property)
                            throws java.io.IOException {
                        unknown.add(property);
                        parser.skipChildren();
                        return true;
                    }
                })
                .readValue(POD);
        assertEquals(java.util.List.of("fromTheFuture", "managedFields", "tolerations", "dnsConfig", "resizePolicy", "restartPolicy",
                "unknownPortField", "future", "volumeMounts"), unknown);
        assertEquals(0, pod.spec.extras().size());
        assertEquals("web", pod.metadata.name);
    }

    /** What the model's writer leaves out by design: a declared field that is empty (omitempty). */
    private static JsonNode withoutEmptyDeclaredFields(JsonNode sent) {
        JsonNode expected = sent.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected.get("spec")).remove("nodeSelector");
        return expected;
    }
}
