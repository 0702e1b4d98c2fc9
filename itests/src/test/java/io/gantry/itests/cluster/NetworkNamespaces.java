package io.gantry.itests.cluster;

import io.gantry.itests.Host;
import io.gantry.itests.Host.Result;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Network namespaces this test makes for itself: one per member, each with a veth link to a
 * bridge that lives in a namespace of its own, addresses 10.213.0.k/24 inside them, and nothing
 * in the host's namespace. Cutting a member's link (its bridge port down) partitions it from the
 * others; {@link #close} ends every process left in the namespaces and deletes them.
 */
final class NetworkNamespaces implements AutoCloseable {

    /** Every namespace of these tests starts with this; what a killed run left is removed first. */
    private static final String PREFIX = "gantry-pt-";
    private static final Duration COMMAND_DEADLINE = Duration.ofSeconds(30);

    private final String bridge = PREFIX + "br";
    private final List<String> members = new ArrayList<>();

    private NetworkNamespaces() {
    }

    /** Namespaces for {@code count} members, linked through one bridge. */
    static NetworkNamespaces create(int count) throws Exception {
        removeLeftovers();
        NetworkNamespaces namespaces = new NetworkNamespaces();
        try {
            namespaces.ip("netns", "add", namespaces.bridge);
            namespaces.ip("-n", namespaces.bridge, "link", "add", "br0", "type", "bridge");
            namespaces.ip("-n", namespaces.bridge, "link", "set", "br0", "up");
            for (int k = 1; k <= count; k++) {
                String member = PREFIX + k;
                namespaces.ip("netns", "add", member);
                namespaces.members.add(member);
                // the pair is made inside the namespaces: the host's namespace never sees it
                namespaces.ip("-n", namespaces.bridge, "link", "add", port(k), "type", "veth",
                        "peer", "name", "eth0", "netns", member);
                namespaces.ip("-n", namespaces.bridge, "link", "set", port(k), "master", "br0");
                namespaces.ip("-n", namespaces.bridge, "link", "set", port(k), "up");
                namespaces.ip("-n", member, "addr", "add", address(k) + "/24", "dev", "eth0");
                namespaces.ip("-n", member, "link", "set", "eth0", "up");
                namespaces.ip("-n", member, "link", "set", "lo", "up");
            }
            return namespaces;
        } catch (Exception | AssertionError e) {
            namespaces.close();
            throw e;
        }
    }

    /** Member k's address, inside its namespace. */
    static String address(int k) {
        return "10.213.0." + k;
    }

    /** Member k's namespace. */
    String namespace(int k) {
        return members.get(k - 1);
    }

    /** Member k's link goes down: it and the others no longer reach each other. */
    void cut(int k) throws Exception {
        ip("-n", bridge, "link", "set", port(k), "down");
    }

    void heal(int k) throws Exception {
        ip("-n", bridge, "link", "set", port(k), "up");
    }

    /** A command inside member k's namespace. */
    Result exec(int k, Duration timeout, String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", namespace(k)));
        line.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(line);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return Host.run(builder, timeout, null);
    }

    /** A command started inside member k's namespace, its output (and errors) to a file; {@link #close} ends it at the latest. */
    Process start(int k, Path output, String... command) throws IOException {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", namespace(k)));
        line.addAll(List.of(command));
        return new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    @Override
    public void close() throws Exception {
        List<String> all = new ArrayList<>(members);
        all.add(bridge);
        for (String namespace : all) {
            delete(namespace);
        }
    }

    private static String port(int k) {
        return "port" + k;
    }

    private void ip(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Result result = Host.run(new ProcessBuilder(command), COMMAND_DEADLINE, null);
        if (result.exit() != 0) {
            throw new AssertionError(result.toString());
        }
    }

    private static void removeLeftovers() throws Exception {
        Result list = Host.run(new ProcessBuilder("ip", "netns", "list"), COMMAND_DEADLINE, null);
        for (String line : list.out().lines().toList()) {
            String name = line.split("\\s+")[0];
            if (name.startsWith(PREFIX)) {
                delete(name);
            }
        }
    }

    /** Ends the processes in the namespace (SIGKILL: they are the test's), then deletes it. */
    private static void delete(String namespace) throws IOException, InterruptedException {
        Result pids = Host.run(new ProcessBuilder("ip", "netns", "pids", namespace), COMMAND_DEADLINE, null);
        for (String pid : pids.out().lines().map(String::strip).filter(p -> !p.isEmpty()).toList()) {
            Host.run(new ProcessBuilder("kill", "-KILL", pid), COMMAND_DEADLINE, null);
        }
        Host.run(new ProcessBuilder("ip", "netns", "del", namespace), COMMAND_DEADLINE, null);
    }
}
