package io.gantry.apiserver.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The OpenAPI documents' shape: what kubectl looks up in them, and no dangling reference. */
class OpenApiTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Schemas SCHEMAS = new Schemas();
    static final OpenApiV3 V3 = new OpenApiV3(SCHEMAS, ServedResources.KUBERNETES, MAPPER);
    static final OpenApiV2 V2 = new OpenApiV2(SCHEMAS, ServedResources.KUBERNETES, MAPPER);

    static JsonNode v3(String groupVersionPath) throws Exception {
        return MAPPER.readTree(V3.document(groupVersionPath).orElseThrow());
    }

    @Test
    void indexNamesOneDocumentPerGroupVersionByHash() throws Exception {
        JsonNode paths = V3.index().get("paths");
        List<String> names = new ArrayList<>();
        paths.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("api/v1", "apis/apps/v1", "apis/events.k8s.io/v1", "apis/coordination.k8s.io/v1"), names);
        String url = paths.get("apis/apps/v1").get("serverRelativeURL").asText();
        assertTrue(Pattern.matches("/openapi/v3/apis/apps/v1\\?hash=[0-9A-F]{128}", url), url);
        assertEquals(url, "/openapi/v3/apis/apps/v1?hash=" + V3.hash("apis/apps/v1").orElseThrow());
    }

    @Test
    void patchOperationsAdvertiseFieldValidationForTheirKind() throws Exception {
        JsonNode patch = v3("apis/apps/v1").at("/paths/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments~1{name}/patch");
        assertEquals(MAPPER.readTree("{\"group\":\"apps\",\"kind\":\"Deployment\",\"version\":\"v1\"}"),
                patch.get("x-kubernetes-group-version-kind"));
        assertTrue(patch.get("parameters").toString().contains("{\"name\":\"fieldValidation\",\"in\":\"query\""),
                patch.get("parameters").toString());
        JsonNode scale = v3("apis/apps/v1").at("/paths/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments~1{name}~1scale/patch");
        assertEquals("Scale", scale.at("/x-kubernetes-group-version-kind/kind").asText());
        JsonNode namespace = v3("api/v1").at("/paths/~1api~1v1~1namespaces~1{name}/patch");
        assertEquals("Namespace", namespace.at("/x-kubernetes-group-version-kind/kind").asText());
    }

    @Test
    void definitionsCarryKindsAndKubernetesShapes() throws Exception {
        JsonNode schemas = v3("api/v1").at("/components/schemas");
        assertEquals(MAPPER.readTree("[{\"group\":\"\",\"kind\":\"Pod\",\"version\":\"v1\"}]"),
                schemas.at("/io.k8s.api.core.v1.Pod/x-kubernetes-group-version-kind"));
        assertEquals("string", schemas.at("/io.k8s.api.core.v1.Pod/properties/kind/type").asText());
        assertEquals("#/components/schemas/io.k8s.api.core.v1.PodSpec", schemas.at("/io.k8s.api.core.v1.Pod/properties/spec/$ref").asText());
        assertEquals(MAPPER.readTree("{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}],\"format\":\"int-or-string\","
                + "\"x-kubernetes-int-or-string\":true}"), schemas.get("io.k8s.apimachinery.pkg.util.intstr.IntOrString"));
        assertEquals("date-time", schemas.at("/io.k8s.apimachinery.pkg.apis.meta.v1.Time/format").asText());
        // embedded structs are flattened: a volume has emptyDir, a probe httpGet, an env source's ref a name
        assertTrue(schemas.at("/io.k8s.api.core.v1.Volume/properties/emptyDir").isObject());
        assertTrue(schemas.at("/io.k8s.api.core.v1.Probe/properties/httpGet").isObject());
        assertTrue(schemas.at("/io.k8s.api.core.v1.SecretKeySelector/properties/name").isObject());
        assertTrue(schemas.at("/io.k8s.api.core.v1.Volume/properties/volumeSource").isMissingNode());
        assertEquals("byte", schemas.at("/io.k8s.api.core.v1.Secret/properties/data/additionalProperties/format").asText());

        JsonNode v2 = MAPPER.readTree(V2.document());
        assertEquals(MAPPER.readTree("{\"type\":\"string\",\"format\":\"int-or-string\"}"),
                v2.at("/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString"));
        assertEquals("apps", v2.at("/definitions/io.k8s.api.apps.v1.Deployment/x-kubernetes-group-version-kind/0/group").asText());
    }

    @Test
    void everyReferenceResolves() throws Exception {
        for (String path : List.of("api/v1", "apis/apps/v1", "apis/events.k8s.io/v1", "apis/coordination.k8s.io/v1")) {
            JsonNode document = v3(path);
            assertResolves(document, document, "#/components/schemas/", document.get("components").get("schemas"));
        }
        JsonNode v2 = MAPPER.readTree(V2.document());
        assertResolves(v2, v2, "#/definitions/", v2.get("definitions"));
    }

    private static void assertResolves(JsonNode node, JsonNode document, String prefix, JsonNode definitions) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null) {
                assertTrue(ref.asText().startsWith(prefix), ref.asText());
                assertTrue(definitions.has(ref.asText().substring(prefix.length())), "dangling " + ref.asText());
            }
            node.forEach(child -> assertResolves(child, document, prefix, definitions));
        } else if (node.isArray()) {
            node.forEach(child -> assertResolves(child, document, prefix, definitions));
        }
    }
}
