package io.gantry.runtime.docker;

import io.gantry.api.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 *
 * <p>A sandbox container's network is routed before the pod's containers start. A one-container
 * pod's container holds its network itself, made by its own start, so its program would run before
 * the routes: there the host's static busybox, mounted read-only, runs first and waits, then execs
 * the container's command as Kubernetes resolves it. It waits without polling: the routing ends by
 * sending it {@code SIGURG} (which a program ignores unless it asks for it), and it waits at most
 * {@value #WAIT_SECONDS} s, for a node that stopped before it routed. A start of 30 pods at once
 * can take the engine seconds to return, and the routing comes only then: a waiter that polled
 * every 2 ms with a process start each time took the CPU those starts needed.
 */
final class PodLoopback {

    /** Where the host's own services listen, and which no pod reaches on the host. */
    static final String HOST_ONLY = "127.0.0.0/16";
    static final String TABLE = "gantry_pod_loopback";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final String PATH = "PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH; ";
    private static final Duration COMMAND_DEADLINE = Duration.ofSeconds(10);

    /** Where the waiter is mounted in a one-container pod's container. */
    static final String WAITER = "/.gantry/busybox";
    /** The signal that wakes the waiter: ignored by default, so one that comes late harms no program. */
    static final String WAKE = "URG";
    static final int WAIT_SECONDS = 10;

    /**
     * Waits until the route to 127.0.0.0 (0000007F, little-endian) is in {@code /proc/net/route}, a
     * {@value #WAKE} comes, or the limit passes, then runs the command; stdin stays the command's. The
     * trap stops the one sleep, so a signal that comes before the {@code wait} ends it too; one that
     * comes before the trap is ignored, and the route it followed is then seen by the look after it.
     * A command that is not there ends as the engine's start would have failed: exit code 128 and
     * the runtime's words. Pure.
     */
    static String waitScript(String busybox, int seconds) {
        return "trap 'kill $s 2>/dev/null' " + WAKE + "; "
                + busybox + " sleep " + seconds + " & s=$!; found=; "
                + "while read -r iface dest rest; do [ \"$dest\" = 0000007F ] && found=1; done < /proc/net/route; "
                + "[ -n \"$found\" ] || wait $s; kill $s 2>/dev/null; wait $s 2>/dev/null; trap - " + WAKE + "; "
                + "command -v \"$1\" >/dev/null || { "
                + "echo \"exec: \\\"$1\\\": executable file not found in \\$PATH\" >&2; exit 128; }; exec \"$@\"";
    }

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
        Commands.run(List.of("nft", "-f", "-"), hostRules(bridge), COMMAND_DEADLINE);
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

    /**
     * Routes the loopback addresses of the network namespace of this process through the gateway,
     * then, if asked, wakes the process: the waiter of a one-container pod.
     */
    void route(long pid, String gateway, boolean wake) throws IOException {
        acceptOnBridge();
        String script = podScript(gateway) + (wake ? "; kill -s " + WAKE + " " + pid : "");
        Commands.run(List.of("nsenter", "-t", String.valueOf(pid), "-n", "--", "sh", "-c", script), "", COMMAND_DEADLINE);
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

    /**
     * The host's busybox if it is a static one, which runs in any image; null otherwise (a dynamic
     * one needs the host's C library, which an image may not have).
     */
    static Path staticBusybox() {
        Path busybox = Path.of("/bin/busybox");
        try {
            return Files.isExecutable(busybox) && Elf.isStatic(busybox) ? busybox : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The entrypoint that waits for the routes, then runs its arguments. */
    static List<String> waitingEntrypoint() {
        return List.of(WAITER, "sh", "-c", waitScript(WAITER, WAIT_SECONDS), "gantry-wait-for-routes");
    }

    /**
     * What a container runs, as Kubernetes resolves it from the pod's command and args and the
     * image's ENTRYPOINT and CMD: the command replaces the entrypoint and drops the image's CMD;
     * args replace the CMD. Pure.
     */
    static List<String> resolve(List<String> command, List<String> args, List<String> imageEntrypoint,
                                List<String> imageCmd) {
        List<String> run = new ArrayList<>();
        boolean commanded = command != null && !command.isEmpty();
        run.addAll(commanded ? command : orEmpty(imageEntrypoint));
        if (args != null && !args.isEmpty()) {
            run.addAll(args);
        } else if (!commanded) {
            run.addAll(orEmpty(imageCmd));
        }
        return run;
    }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }
}
