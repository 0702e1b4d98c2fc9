package io.gantry.itests.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.itests.Host;
import io.gantry.itests.Host.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three control planes of the built distribution (the cluster state in Hazelcast), each in a
 * network namespace of its own (see {@link NetworkNamespaces}); every port of a node is inside its
 * namespace, so the nodes keep the single node's ports. One member's link is cut: once it sees
 * the others gone, the minority side (that member) refuses writes, through Hazelcast's split-brain
 * protection, while the majority goes on taking them; after the link is back, the member merges
 * back into the cluster with nothing acknowledged lost (including what the cut-off member took
 * before it noticed), nothing deleted come back, and the same state served by every API; a watch
 * open through the split sees the majority's changes, and is ended with 410 once the member has
 * merged back (the merge brings in what the cut-off side alone held, with no watch event), so
 * that its client lists again.
 * Runs as root (it makes namespaces and links).
 */
class PartitionTest {

    private static final int MEMBERS = 3;
    private static final int MINORITY = 3;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Duration MERGE_DEADLINE = Duration.ofSeconds(120);
    private static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";
    private static final Path HOME = Path.of("target", "partition").toAbsolutePath();

    private static NetworkNamespaces net;

    @BeforeAll
    static void startInNamespaces() throws Exception {
        Host.run(new ProcessBuilder("rm", "-rf", HOME.toString()), Duration.ofSeconds(60), null);
        net = NetworkNamespaces.create(MEMBERS);
        StringBuilder members = new StringBuilder();
        for (int k = 1; k <= MEMBERS; k++) {
            members.append(k > 1 ? "," : "").append(NetworkNamespaces.address(k)).append(":5701");
        }
        for (int k = 1; k <= MEMBERS; k++) {
            Path dir = dir(k);
            Files.createDirectories(dir);
            Result unpacked = Host.run(new ProcessBuilder("tar", "-xzf", System.getProperty("gantry.distribution"),
                    "-C", dir.toString(), "--strip-components=1"), Duration.ofSeconds(120), null);
            assertEquals(0, unpacked.exit(), unpacked.toString());
            EtcFiles etc = new EtcFiles(dir.resolve("etc"));
            etc.set("io.gantry.cluster.cfg", Map.of("clusterName", "gantry-partition-test",
                    "address", NetworkNamespaces.address(k), "port", "5701", "members", members.toString(),
                    "quorum", "2", "nodeName", name(k), "apiUrl", "http://127.0.0.1:8080"));
            etc.set("io.gantry.apiserver.cfg", Map.of("storage", "hazelcast"));
            etc.set("io.gantry.kubelet.cfg", Map.of("nodeName", name(k), "podCIDR", "127.2" + k + ".0.0/16"));
            etc.set("io.gantry.runtime.docker.cfg", Map.of("pullImages", "false"));
            // Hazelcast looks for the other side of a split 300 s after start and every 120 s
            // then (its defaults, which the cluster bundle keeps); a healed link merges in seconds so.
            etc.set("system.properties", Map.of("hazelcast.merge.first.run.delay.seconds", "5",
                    "hazelcast.merge.next.run.delay.seconds", "5"));
        }
        for (int k = 1; k <= MEMBERS; k++) {
            Result started = net.exec(k, Duration.ofSeconds(30), "env", "JAVA_MAX_MEM=512m", "JAVA_MIN_MEM=128m",
                    "KARAF_REDIRECT=" + dir(k).resolve("console.log"), dir(k).resolve("bin/start").toString());
            assertEquals(0, started.exit(), started.toString());
        }
        for (int k = 1; k <= MEMBERS; k++) {
            int member = k;
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> ready(1, member));
        }
        // Ready nodes can still be moving the store's partition between members, and a write then is
        // answered 503 ("may or may not have been made"): the test starts once every API takes writes.
        AtomicInteger attempt = new AtomicInteger();
        for (int k = 1; k <= MEMBERS; k++) {
            int member = k;
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> post(member, "settled-" + member + "-" + attempt.incrementAndGet()).code() == 201);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (net != null) {
                net.close();
            }
        } finally {
            Path logs = Path.of("target", "cluster-logs").toAbsolutePath();
            Files.createDirectories(logs);
            for (int k = 1; k <= MEMBERS; k++) {
                if (Files.exists(log(k))) {
                    Files.copy(log(k), logs.resolve(name(k) + ".log"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Host.run(new ProcessBuilder("rm", "-rf", HOME.toString()), Duration.ofSeconds(60), null);
        }
    }

    @Test
    void theMinorityRefusesWritesTheMajorityGoesOnAndHealingLosesNothing() throws Exception {
        Map<String, String> acknowledged = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            for (int k = 1; k <= MEMBERS; k++) {
                acknowledged.put("before-" + k + "-" + i, created(k, "before-" + k + "-" + i));
            }
        }
        for (int k = 1; k <= MEMBERS; k++) {
            assertEquals(acknowledged, versions(k, "before-"), "every API serves the writes before the cut");
        }

        int alone = count(MINORITY, "Members {size:1,");
        int pair = count(1, "Members {size:2,");
        int resyncs = count(1, "ended this member's store watches");
        net.cut(MINORITY);
        // Until it sees the others gone, the cut-off member may still acknowledge creates (it owns
        // the store's partition, and gives up waiting for the backup's answer): what it
        // acknowledges counts like any other acknowledged write.
        for (int i = 0; i < 40; i++) {
            Http early = post(MINORITY, "early-" + i);
            if (early.code() != 201) {
                break;
            }
            acknowledged.put("early-" + i, version(early));
        }
        // Each side sees the other gone after Hazelcast's heartbeat timeout (io.gantry.cluster.cfg)
        await().atMost(DEADLINE).until(() -> count(MINORITY, "Members {size:1,") > alone && count(1, "Members {size:2,") > pair);
        // a watch on the majority, opened once the member's leaving ended the watches before it
        await().atMost(DEADLINE).until(() -> count(1, "ended this member's store watches") > resyncs);
        Path watched = HOME.resolve("watch-through-the-split.out");
        Process watch = net.start(1, watched, "curl", "-N", "-s", "http://127.0.0.1:8080" + CONFIGMAPS + "?watch=1&timeoutSeconds=1800");

        for (int i = 0; i < 5; i++) {
            Http refused = post(MINORITY, "minority-" + i);
            assertNotEquals(201, refused.code(), "the minority acknowledged a create: " + refused);
            // from the store's split-brain protection, also when the member cannot read the
            // namespace (its copies may all be on the other side): never a 404 for it
            assertEquals(503, refused.code(), refused.toString());
            assertEquals("Status", LocalCluster.json(refused.body()).path("kind").asText(), refused.toString());
        }
        Set<String> deleted = new HashSet<>();
        await().atMost(DEADLINE).until(() -> {
            int majority = 1 + acknowledged.size() % 2;
            String name = "during-" + acknowledged.size();
            Http response = post(majority, name);
            if (response.code() == 201) {
                acknowledged.put(name, version(response));
            }
            return acknowledged.keySet().stream().filter(n -> n.startsWith("during-")).count() >= 20;
        });
        for (int i = 0; i < 5; i++) {
            String name = "before-" + MINORITY + "-" + i;
            Http response = http(1 + i % 2, "DELETE", CONFIGMAPS + "/" + name, null);
            assertEquals(200, response.code(), response.toString());
            acknowledged.remove(name);
            deleted.add(name);
        }

        int together = count(MINORITY, "Members {size:3,");
        net.heal(MINORITY);
        await().atMost(MERGE_DEADLINE).pollInterval(Duration.ofSeconds(2))
                .until(() -> count(MINORITY, "Members {size:3,") > together);
        // The membership merges first, then the data: the cut-off member's entries that the others
        // lack (creates it could not confirm, answered 503) are put after the membership shows
        // three, so the state is compared once every member serves the same.
        Map<String, Map<String, String>> states = new HashMap<>();
        await().atMost(DEADLINE).pollInterval(Duration.ofSeconds(1)).until(() -> {
            for (int k = 1; k <= MEMBERS; k++) {
                states.put(name(k), versions(k, ""));
            }
            return new HashSet<>(states.values()).size() == 1;
        });
        Map<String, String> majorityState = states.get(name(1));
        for (int k = 1; k <= MEMBERS; k++) {
            Map<String, String> state = versions(k, "");
            assertEquals(majorityState, state, name(k) + " serves the same state");
            for (Map.Entry<String, String> write : acknowledged.entrySet()) {
                assertEquals(write.getValue(), state.get(write.getKey()), "acknowledged " + write.getKey() + " on " + name(k));
            }
            for (String gone : deleted) {
                assertTrue(!state.containsKey(gone), gone + " was deleted, and is back on " + name(k));
            }
            assertEquals(state.size(), new HashSet<>(state.values()).size(), "a resourceVersion given twice: " + state);
        }
        assertTrue(majorityState.keySet().stream().noneMatch(n -> n.startsWith("minority-")), majorityState.toString());

        // The watch saw the majority's creates, then was ended with 410 Expired after the merge.
        await().atMost(DEADLINE).until(() -> Files.readString(watched).contains("\"type\":\"ERROR\""));
        watch.destroy();
        List<String> events = Files.readAllLines(watched).stream().filter(l -> !l.isBlank()).toList();
        JsonNode last = LocalCluster.json(events.get(events.size() - 1));
        assertEquals("ERROR", last.path("type").asText(), events.get(events.size() - 1));
        assertEquals(410, last.path("object").path("code").asInt(), events.get(events.size() - 1));
        Set<String> seen = new HashSet<>();
        for (String event : events) {
            seen.add(LocalCluster.json(event).path("object").path("metadata").path("name").asText());
        }
        for (String name : acknowledged.keySet()) {
            if (name.startsWith("during-")) {
                assertTrue(seen.contains(name), name + " was not in the watch: " + events);
            }
        }
        await().atMost(DEADLINE).until(() -> post(MINORITY, "after-heal").code() == 201);
    }

    private record Http(int code, String body) {
    }

    private static String created(int k, String name) throws Exception {
        Http response = post(k, name);
        assertEquals(201, response.code(), "create of " + name + " through " + name(k) + ": " + response);
        return version(response);
    }

    private static String version(Http response) {
        return LocalCluster.json(response.body()).path("metadata").path("resourceVersion").asText();
    }

    private static Http post(int k, String name) throws Exception {
        return http(k, "POST", CONFIGMAPS, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
                + name + "\"},\"data\":{\"written\":\"" + name + "\"}}");
    }

    /** Name to resourceVersion of the ConfigMaps whose names start with {@code prefix}, as node k's API lists them. */
    private static Map<String, String> versions(int k, String prefix) throws Exception {
        Http list = http(k, "GET", CONFIGMAPS, null);
        assertEquals(200, list.code(), list.toString());
        Map<String, String> versions = new HashMap<>();
        for (JsonNode item : LocalCluster.json(list.body()).path("items")) {
            String name = item.path("metadata").path("name").asText();
            if (name.startsWith(prefix)) {
                versions.put(name, item.path("metadata").path("resourceVersion").asText());
            }
        }
        return versions;
    }

    /** A request to node k's API, on the loopback of its namespace (curl inside the namespace). */
    private static Http http(int k, String method, String path, String body) throws Exception {
        List<String> curl = new ArrayList<>(List.of("curl", "-s", "-m", "30", "-X", method, "-w", "\n%{http_code}"));
        if (body != null) {
            curl.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", body));
        }
        curl.add("http://127.0.0.1:8080" + path);
        Result result = net.exec(k, Duration.ofSeconds(60), curl.toArray(new String[0]));
        String out = result.out();
        int cut = out.lastIndexOf('\n');
        return new Http(Integer.parseInt(out.substring(cut + 1).strip()), cut < 0 ? "" : out.substring(0, cut));
    }

    private static boolean ready(int through, int k) throws Exception {
        Http node = http(through, "GET", "/api/v1/nodes/" + name(k), null);
        return node.code() == 200 && node.body().contains("\"type\":\"Ready\",\"status\":\"True\"");
    }

    /** Lines of member k's log that contain {@code text}: Hazelcast logs each membership it sees. */
    private static int count(int k, String text) throws IOException {
        if (!Files.exists(log(k))) {
            return 0;
        }
        Pattern pattern = Pattern.compile(Pattern.quote(text));
        try (var lines = Files.lines(log(k))) {
            return (int) lines.filter(l -> pattern.matcher(l).find()).count();
        }
    }

    private static String name(int k) {
        return "part-node-" + k;
    }

    private static Path dir(int k) {
        return HOME.resolve(name(k));
    }

    private static Path log(int k) {
        return dir(k).resolve("data/log/karaf.log");
    }
}
