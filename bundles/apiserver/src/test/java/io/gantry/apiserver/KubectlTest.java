package io.gantry.apiserver;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Binding;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.json.Json;
import io.gantry.apiserver.Kubectl.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The REST API driven by the real kubectl, as an operator would, on loopback. */
class KubectlTest {

    private static final String MANIFEST = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: %s
              labels:
                app: web
            spec:
              containers:
              - name: httpd
                image: gantry/httpd:1.0
                ports:
                - containerPort: 80
            """;

    @RegisterExtension
    static final ApiServerExtension api = ApiServerExtension.plain();

    @Test
    void createGetAndDeleteAPod() throws Exception {
        Result created = kubectl(MANIFEST.formatted("web"), "create", "-f", "-");
        assertEquals("pod/web created", created.out().trim(), created.err());

        Result table = kubectl(null, "get", "pods");
        String[] lines = table.out().split("\n");
        assertTrue(lines[0].matches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE"), table.out());
        assertTrue(table.out().lines().anyMatch(l -> l.matches("web\\s+0/1\\s+Pending\\s+0\\s+\\d+s")), table.out());

        JsonNode json = Json.mapper().readTree(kubectl(null, "get", "pod", "web", "-o", "json").out());
        assertEquals("Always", json.at("/spec/restartPolicy").asText(), "defaults were applied");
        assertEquals("web", json.at("/metadata/labels/app").asText());

        Result wide = kubectl(null, "get", "pods", "-o", "wide");
        assertTrue(wide.out().lines().findFirst().orElse("").contains("NODE"), wide.out());

        Result deleted = kubectl(null, "delete", "pod", "web");
        assertEquals("pod \"web\" deleted", deleted.out().trim(), deleted.err());
        Result gone = kubectl(null, "get", "pod", "web");
        assertEquals("Error from server (NotFound): pods \"web\" not found", gone.err().trim());
    }

    @Test
    void aListInChunksShowsOneSnapshotWholeEvenWhenItChangesBetweenChunks() throws Exception {
        Result namespace = kubectl(null, "create", "namespace", "chunks");
        assertEquals(0, namespace.code(), namespace.err());
        for (int i = 0; i < 7; i++) {
            Result created = kubectl(null, "create", "configmap", "cm-" + i, "-n", "chunks", "--from-literal=i=" + i);
            assertEquals(0, created.code(), created.err());
        }
        Result chunked = kubectl(null, "get", "configmaps", "-n", "chunks", "--chunk-size=3", "-o", "name");
        assertEquals(java.util.stream.IntStream.range(0, 7).mapToObj(i -> "configmap/cm-" + i).toList(),
                chunked.out().lines().filter(l -> l.startsWith("configmap/cm-")).toList(), chunked.err());

        // By hand: the first page, a change, then the next page from the same snapshot.
        JsonNode first = Json.mapper().readTree(kubectl(null, "get", "--raw",
                "/api/v1/namespaces/chunks/configmaps?limit=3").out());
        assertEquals(4, first.at("/metadata/remainingItemCount").asInt());
        kubectl(null, "delete", "configmap", "cm-5", "-n", "chunks");
        String token = first.at("/metadata/continue").asText();
        JsonNode second = Json.mapper().readTree(kubectl(null, "get", "--raw",
                "/api/v1/namespaces/chunks/configmaps?limit=3&continue=" + token).out());
        assertEquals(List.of("cm-3", "cm-4", "cm-5"), names(second));
        assertEquals("i=5", "i=" + second.at("/items/2/data/i").asText());
        assertEquals(first.at("/metadata/resourceVersion"), second.at("/metadata/resourceVersion"));

        Result otherList = kubectl(null, "get", "--raw", "/api/v1/namespaces/default/configmaps?limit=3&continue=" + token);
        assertTrue(otherList.err().contains("continue key is not valid"), otherList.err());
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new java.util.ArrayList<>();
        list.path("items").forEach(item -> names.add(item.at("/metadata/name").asText()));
        return names;
    }

    @Test
    void badManifestsAreRejectedNamingTheField() throws Exception {
        Result invalid = kubectl(MANIFEST.formatted("noimage").replace("    image: gantry/httpd:1.0\n", ""), "create", "-f", "-");
        assertNotEquals(0, invalid.code());
        // kubectl prints 422 Invalid Status messages as they are
        assertEquals("The Pod \"noimage\" is invalid: spec.containers[0].image: Required value", invalid.err().trim());

        Result unknown = kubectl(MANIFEST.formatted("typo").replace("    image: gantry/httpd:1.0",
                "    image: gantry/httpd:1.0\n    imagePolicy: Always"), "create", "-f", "-");
        assertTrue(unknown.err().contains("Error from server (BadRequest)"), unknown.err());
        assertTrue(unknown.err().contains("strict decoding error: unknown field \"spec.containers[0].imagePolicy\""), unknown.err());

        assertEquals("Error from server (NotFound): pods \"typo\" not found", kubectl(null, "get", "pod", "typo").err().trim(),
                "a rejected object is not stored");
    }

    @Test
    void nodesNamespacesAndVersion() throws Exception {
        Result namespaces = kubectl(null, "get", "namespaces");
        assertTrue(namespaces.out().lines().anyMatch(l -> l.matches("default\\s+Active\\s+\\d+s")), namespaces.out());
        Result nodes = kubectl(null, "get", "nodes");
        assertEquals("No resources found", nodes.err().trim(), nodes.out());
        Result version = kubectl(null, "version", "-o", "json");
        assertEquals("v1.32.0-gantry", Json.mapper().readTree(version.out()).at("/serverVersion/gitVersion").asText(),
                version.out() + version.err());
    }

    @Test
    void labelPatchesThePod() throws Exception {
        kubectl(MANIFEST.formatted("patched"), "create", "-f", "-");
        Result labeled = kubectl(null, "label", "pod", "patched", "tier=front");
        assertEquals("pod/patched labeled", labeled.out().trim(), labeled.err());
        assertEquals("front", api.registry().get(ResourceKind.PODS, "default", "patched").metadata.labels.get("tier"));
        assertEquals("web", api.registry().get(ResourceKind.PODS, "default", "patched").metadata.labels.get("app"));
    }

    @Test
    void getWatchPrintsChanges() throws Exception {
        kubectl(MANIFEST.formatted("watched"), "create", "-f", "-");
        Path out = api.dir().resolve("watch.out");
        Process watch = new ProcessBuilder(api.kubectl().command("get", "pods", "--watch", "--request-timeout=60s"))
                .redirectOutput(out.toFile()).redirectError(api.dir().resolve("watch.err").toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(out).contains("watched"));
            Pod pod = api.registry().get(ResourceKind.PODS, "default", "watched");
            Binding binding = new Binding();
            binding.metadata.name = "watched";
            binding.metadata.namespace = "default";
            binding.target.name = "node-1";
            api.registry().bind(binding);
            pod = api.registry().get(ResourceKind.PODS, "default", "watched");
            pod.status.phase = "Running";
            api.registry().updateStatus(ResourceKind.PODS, pod);
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(out).lines()
                    .anyMatch(l -> l.matches("watched\\s+0/1\\s+Running\\s+0\\s+\\d+s")));
        } finally {
            watch.destroy();
            watch.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Result kubectl(String stdin, String... args) throws IOException, InterruptedException {
        return api.kubectl().stdin(stdin, args);
    }
}
