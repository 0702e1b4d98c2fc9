package io.gantry.runtime.docker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Lets a pod's containers reach the addresses Gantry hands out inside 127.0.0.0/8, which live on
 * the host's loopback: the cluster IPs of services, and the pod IPs that other pods' ports are
 * published on. Inside a container 127.0.0.0/8 is the container's own loopback, so these need two
 * changes, as a CNI plugin makes a pod's network before its containers run:
 * <ul>
 * <li>in the pod's network namespace, 127.0.0.0/8 apart from {@value #HOST_ONLY} is routed to the
 * host through the bridge's gateway ({@code route_localnet} lets the kernel send it out);</li>
 * <li>on the host, the bridge takes such packets in ({@code route_localnet} on the bridge), and an
 * nftables table drops what comes from the bridge to {@value #HOST_ONLY}, where the host's own
 * services listen (the API server, the shell's SSH, Hazelcast, etcd): pods reach what Gantry
 * hands out, and nothing else on the host's loopback.</li>
 * </ul>
 * The table is one per machine: the nodes of one machine share the bridge and write the same rule.
 * It and the bridge setting stay when a node stops, since another node may serve pods on it.
 */
final class PodLoopback {

    /** Where the host's own services listen, and which no pod reaches on the host. */
    static final String HOST_ONLY = "127.0.0.0/16";
    static final String TABLE = "gantry_pod_loopback";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final String PATH = "PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH; ";

    private final String bridge;

    private PodLoopback(String bridge) {
        this.bridge = bridge;
    }

    /**
     * Prepares the host for pods on this bridge: the nftables guard first, then the bridge
     * setting that the guard makes safe.
     *
     * @throws IOException where it cannot be done (no nft, not root), saying why
     */
    static PodLoopback prepare(String bridge) throws IOException {
        if (!NAME.matcher(bridge).matches()) {
            throw new IOException("unexpected bridge name '" + bridge + "'");
        }
        run(List.of("nft", "-f", "-"), hostRules(bridge));
        PodLoopback loopback = new PodLoopback(bridge);
        loopback.acceptOnBridge();
        return loopback;
    }

    /** The nftables script that makes the table hold the guard, in one transaction. Pure. */
    static String hostRules(String bridge) {
        return "table ip " + TABLE + " {}\n"
                + "flush table ip " + TABLE + "\n"
                + "table ip " + TABLE + " {\n"
                + "  chain prerouting {\n"
                + "    type filter hook prerouting priority raw; policy accept;\n"
                + "    iifname \"" + bridge + "\" ip daddr " + HOST_ONLY + " drop\n"
                + "  }\n"
                + "}\n";
    }

    /**
     * Sets {@code route_localnet} on the bridge, unless it is set: an engine that restarts may
     * make the bridge anew, so each pod checks it.
     */
    void acceptOnBridge() throws IOException {
        Path setting = Path.of("/proc/sys/net/ipv4/conf", bridge, "route_localnet");
        if (!Files.exists(setting)) {
            throw new IOException("no bridge " + bridge + " on this host");
        }
        if (!"1".equals(Files.readString(setting).trim())) {
            Files.writeString(setting, "1");
        }
    }

    /** Routes the loopback addresses of the network namespace of this process through the gateway. */
    void route(long pid, String gateway) throws IOException {
        acceptOnBridge();
        run(List.of("nsenter", "-t", String.valueOf(pid), "-n", "--", "sh", "-c", podScript(gateway)), "");
    }

    /**
     * The commands, run in the pod's network namespace, that keep {@value #HOST_ONLY} on the
     * pod's own loopback and send the rest of 127.0.0.0/8 to the gateway. Pure.
     */
    static String podScript(String gateway) {
        if (!IPV4.matcher(gateway).matches()) {
            throw new IllegalArgumentException("not an IPv4 gateway: '" + gateway + "'");
        }
        return PATH + "set -e; echo 1 > /proc/sys/net/ipv4/conf/all/route_localnet; "
                + "ip route replace table local local " + HOST_ONLY + " dev lo scope host src 127.0.0.1; "
                + "ip route del table local local 127.0.0.0/8 dev lo 2>/dev/null || true; "
                + "ip route replace 127.0.0.0/8 via " + gateway;
    }

    private static void run(List<String> command, String input) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(command.get(0) + " failed" + (out.isEmpty() ? "" : ": " + out));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            process.destroy();
        }
    }
}
