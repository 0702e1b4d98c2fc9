package io.gantry.itests.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.itests.Host;
import io.gantry.itests.Host.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A cluster of real Gantry nodes on this machine, each a JVM of the built distribution, run by the
 * launcher as a user runs one ({@code ./gantry cluster up N --control-planes M}, {@code kill},
 * {@code start}, {@code down}). Each test class gets its own folder, node names and ports (the
 * launcher's GANTRY_CLUSTER_HOME, GANTRY_NODE_PREFIX and GANTRY_PORT_SHIFT), so that it runs
 * beside a developer's own cluster; its Hazelcast cluster has a name of its own too.
 */
final class LocalCluster {

    static final Path ROOT = Path.of(System.getProperty("gantry.root", "..")).toAbsolutePath().normalize();
    /**
     * The tests' clusters' ports: the launcher's layout moved by this (and 10 more per further
     * cluster) is clear of the ports of a cluster of {@code ./gantry cluster up} and of Linux's
     * ephemeral range (32768-60999), where any outgoing connection may hold a port: API 24680+,
     * SSH 24701+, Hazelcast 22301+, kubelet 26850+, RMI 17699+ and 61044+.
     */
    static final int PORT_SHIFT = 16600;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LAUNCHER_DEADLINE = Duration.ofMinutes(6);

    private final String prefix;
    private final int nodes;
    private final int controlPlanes;
    private final int portShift;
    private final Path home;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param prefix node names' prefix: nodes are PREFIX1..PREFIXn
     * @param portShift added to every port of the launcher's layout (node-i's API on 8079 + i)
     */
    LocalCluster(String prefix, int nodes, int controlPlanes, int portShift) {
        this.prefix = prefix;
        this.nodes = nodes;
        this.controlPlanes = controlPlanes;
        this.portShift = portShift;
        this.home = Path.of("target", "cluster-" + prefix.replaceAll("-$", "")).toAbsolutePath();
    }

    String name(int node) {
        return prefix + node;
    }

    String apiUrl(int node) {
        return "http://127.0.0.1:" + (8079 + node + portShift);
    }

    Path log(int node) {
        return home.resolve(name(node)).resolve("data/log/karaf.log");
    }

    /** Starts every node, after removing what an earlier run left; returns when every Node is Ready. */
    void up() throws Exception {
        launcher("down", "--purge");
        List<Integer> busy = busyPorts();
        if (!busy.isEmpty()) {
            throw new AssertionError("ports the test cluster " + prefix + "* needs are in use: " + busy);
        }
        Result up = launcher("up", String.valueOf(nodes), "--control-planes", String.valueOf(controlPlanes));
        assertEquals(0, up.exit(), up.toString());
    }

    /** SIGKILL of the node's JVM and its containers. */
    void kill(int node) throws Exception {
        Result kill = launcher("kill", name(node));
        assertEquals(0, kill.exit(), kill.toString());
    }

    /** Brings the node back; returns when its Node is Ready again. */
    void start(int node) throws Exception {
        Result start = launcher("start", name(node));
        assertEquals(0, start.exit(), start.toString());
    }

    String status() throws Exception {
        return launcher("status").out();
    }

    /** Stops and removes every node; their logs are kept in target/cluster-logs. */
    void down() throws Exception {
        Path logs = Path.of("target", "cluster-logs").toAbsolutePath();
        Files.createDirectories(logs);
        for (int node = 1; node <= nodes; node++) {
            if (Files.exists(log(node))) {
                Files.copy(log(node), logs.resolve(name(node) + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Result down = launcher("down", "--purge");
        assertEquals(0, down.exit(), down.toString());
    }

    /** The Ready condition's status of the node's Node object as the API of {@code through} serves it. */
    Optional<String> readiness(int through, int node) {
        return get(through, "/api/v1/nodes/" + name(node)).flatMap(n -> {
            for (JsonNode condition : n.path("status").path("conditions")) {
                if (condition.path("type").asText().equals("Ready")) {
                    return Optional.of(condition.path("status").asText());
                }
            }
            return Optional.empty();
        });
    }

    /** GET of an object through node {@code through}'s API; empty when it does not answer 200. */
    Optional<JsonNode> get(int through, String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(apiUrl(through) + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** POST of a JSON object through node {@code through}'s API: the status code, or -1 when it does not answer. */
    int post(int through, String path, String json) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(apiUrl(through) + path)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The real kubectl against node {@code through}'s API. */
    Result kubectl(int through, String... args) throws Exception {
        return kubectl(through, List.of(args), null);
    }

    /** The real kubectl against node {@code through}'s API, with {@code input} on its standard input. */
    Result kubectl(int through, List<String> args, String input) throws Exception {
        List<String> command = new ArrayList<>(List.of("kubectl", "-s", apiUrl(through)));
        command.addAll(args);
        return Host.run(new ProcessBuilder(command), Duration.ofSeconds(60), input);
    }

    private Result launcher(String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().addAll(List.of(ROOT.resolve("gantry").toString(), "cluster"));
        builder.command().addAll(List.of(args));
        builder.directory(ROOT.toFile());
        builder.environment().put("GANTRY_CLUSTER_HOME", home.toString());
        builder.environment().put("GANTRY_NODE_PREFIX", prefix);
        builder.environment().put("GANTRY_PORT_SHIFT", String.valueOf(portShift));
        // the archive the build made: the launcher runs it as it is, and builds nothing
        builder.environment().put("GANTRY_DISTRIBUTION", System.getProperty("gantry.distribution"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // several nodes share CI's small machine
        builder.environment().put("JAVA_MAX_MEM", "512m");
        builder.environment().put("JAVA_MIN_MEM", "128m");
        return Host.run(builder, LAUNCHER_DEADLINE, null);
    }

    /** Ports of the cluster's layout something already listens on. */
    private List<Integer> busyPorts() {
        List<Integer> busy = new ArrayList<>();
        for (int node = 1; node <= nodes; node++) {
            for (int base : List.of(8079, 8100, 5700, 10249, 1098, 44443)) {
                int port = base + node + portShift;
                if (!free(port)) {
                    busy.add(port);
                }
            }
        }
        return busy;
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
