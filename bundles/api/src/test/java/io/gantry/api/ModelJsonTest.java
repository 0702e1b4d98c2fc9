package io.gantry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.KubeList;
import io.gantry.api.meta.v1.StatusCause;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The object model reads and writes the JSON and YAML shapes Kubernetes clients send and expect. */
class ModelJsonTest {

    private static final String MANIFEST = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              labels:
                app: web
            spec:
              containers:
              - name: httpd
                image: gantry/httpd:1.0
                command: ["/bin/sh", "-c"]
                args: ["httpd -f -p 80"]
                ports:
                - containerPort: 80
                  name: http
                env:
                - name: GREETING
                  value: hello
                resources:
                  requests:
                    cpu: 100m
                    memory: 32Mi
            """;

    @Test
    void readsAPodManifestInYaml() throws Exception {
        Pod pod = Json.strictReader(Pod.class, true).readValue(MANIFEST);
        assertEquals("web", pod.metadata.name);
        assertEquals("web", pod.metadata.labels.get("app"));
        assertEquals("gantry/httpd:1.0", pod.spec.containers.get(0).image);
        assertEquals(List.of("/bin/sh", "-c"), pod.spec.containers.get(0).command);
        assertEquals(80, pod.spec.containers.get(0).ports.get(0).containerPort);
        assertEquals("hello", pod.spec.containers.get(0).env.get(0).value);
        assertEquals("100m", pod.spec.containers.get(0).resources.requests.get("cpu"));
    }

    @Test
    void strictReadingNamesTheUnknownField() {
        String withTypo = MANIFEST.replace("    image: gantry/httpd:1.0", "    image: gantry/httpd:1.0\n    imagePolicy: Always");
        UnrecognizedPropertyException e = assertThrows(UnrecognizedPropertyException.class,
                () -> Json.strictReader(Pod.class, true).readValue(withTypo));
        assertEquals("imagePolicy", e.getPropertyName());
        assertTrue(e.getPathReference().contains("containers"), e.getPathReference());
    }

    @Test
    void lenientReadingKeepsUnknownFieldsOfEveryType() {
        Pod pod = Json.read("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\",\"bogus\":1},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"nope\":true}],\"alsoBogus\":{}}}", Pod.class);
        assertEquals("x", pod.metadata.name);
        assertEquals("i", pod.spec.containers.get(0).image);
        assertEquals(1, pod.metadata.extra("bogus").asInt());
        assertTrue(pod.spec.containers.get(0).extra("nope").asBoolean());
        assertTrue(Json.tree(pod).at("/spec/alsoBogus").isObject());
    }

    @Test
    void writesKindAndVersionAndLeavesEmptyFieldsOut() {
        Pod pod = new Pod();
        pod.metadata.name = "web";
        JsonNode json = Json.tree(pod);
        assertEquals("v1", json.get("apiVersion").asText());
        assertEquals("Pod", json.get("kind").asText());
        assertFalse(json.has("status"), "an absent status is left out");
        assertFalse(json.get("metadata").has("labels"), "absent labels are left out");
        assertFalse(json.get("spec").has("containers"), "an empty list is left out, as omitempty does");
    }

    @Test
    void listsAlwaysCarryItemsAndTheirRevision() {
        JsonNode json = Json.tree(new KubeList<Pod>("v1", "PodList", "42", List.of()));
        assertTrue(json.get("items").isArray());
        assertEquals(0, json.get("items").size());
        assertEquals("42", json.get("metadata").get("resourceVersion").asText());
    }

    @Test
    void containerStatusKeepsFalseAndZero() {
        io.gantry.api.core.v1.ContainerStatus status = new io.gantry.api.core.v1.ContainerStatus();
        status.name = "c";
        JsonNode json = Json.tree(status);
        assertFalse(json.get("ready").asBoolean(true), "ready: false is written, as Kubernetes does");
        assertEquals(0, json.get("restartCount").asInt(-1));
    }

    @Test
    void errorsCarryAKubernetesStatus() {
        JsonNode notFound = Json.tree(ApiException.notFound(ResourceKind.PODS, "web").status());
        assertEquals("Status", notFound.get("kind").asText());
        assertEquals("Failure", notFound.get("status").asText());
        assertEquals("NotFound", notFound.get("reason").asText());
        assertEquals(404, notFound.get("code").asInt());
        assertEquals("pods \"web\" not found", notFound.get("message").asText());
        assertEquals("pods", notFound.get("details").get("kind").asText());

        ApiException invalid = ApiException.invalid(ResourceKind.PODS, "web",
                List.of(new StatusCause("FieldValueRequired", "Required value", "spec.containers[0].image")));
        assertEquals(422, invalid.code());
        assertEquals("Pod \"web\" is invalid: spec.containers[0].image: Required value", invalid.getMessage());
        assertEquals("spec.containers[0].image",
                Json.tree(invalid.status()).get("details").get("causes").get(0).get("field").asText());
    }

    @Test
    void yamlQuotesStringsThatLookLikeNumbers() {
        io.gantry.api.core.v1.ConfigMap config = new io.gantry.api.core.v1.ConfigMap();
        config.metadata.resourceVersion = "77";
        config.data = new java.util.LinkedHashMap<>(java.util.Map.of("port", "8080"));
        config.extra("future", Json.mapper().getNodeFactory().textNode("2"));
        String yaml = Json.writeYaml(config);
        assertTrue(yaml.contains("resourceVersion: \"77\""), yaml);
        assertTrue(yaml.contains("port: \"8080\""), yaml);
        assertTrue(Json.readYaml(yaml, io.gantry.api.core.v1.ConfigMap.class).extra("future").isTextual(),
                "an unknown string field stays a string through YAML");
    }

    @Test
    void copiesAreDeep() {
        Pod pod = new Pod();
        pod.meta().labels().put("a", "1");
        Pod copy = Json.copy(pod);
        copy.metadata.labels.put("a", "2");
        assertEquals("1", pod.metadata.labels.get("a"));
        assertNull(copy.status);
    }
}
