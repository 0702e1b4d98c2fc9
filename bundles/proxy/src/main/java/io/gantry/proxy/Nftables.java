package io.gantry.proxy;

import io.gantry.api.Commands;
import io.gantry.api.lb.KernelAlgorithm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel datapath: one nftables table of this proxy, with NAT chains that DNAT new
 * connections to a served frontend to an endpoint chosen by {@code numgen} (inc for round robin,
 * random), and ClientIP affinity kept in dynamic sets of client addresses with the service's
 * timeout. The table's rules are rewritten in one nft transaction, so a change is atomic;
 * conntrack keeps every established connection on the endpoint it was given, so no change cuts
 * one. Every address here is on loopback: connections made on this machine take the
 * output hook, and those of pods' containers, routed to the host through their bridge, take the
 * prerouting hook.
 *
 * <p>The table is named after the JVM's pid ({@code gantry_proxy_<pid>_<n>}), so that the proxies
 * of several nodes on one machine keep apart (each DNATs the same way; the first table's rule takes the connection); tables of
 * proxies that died without removing theirs are removed at start.
 */
final class Nftables implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Nftables.class);
    static final String PREFIX = "gantry_proxy_";
    private static final Pattern TABLE = Pattern.compile("^table ip (" + PREFIX + "(\\d+)_\\d+)$", Pattern.MULTILINE);
    /** Proxies opened in this JVM: tests run several, one after the other or side by side. */
    private static final AtomicInteger OPENED = new AtomicInteger();

    private final String table;
    /** What the table holds: empty before the first apply and after close. */
    private Ruleset applied = Ruleset.EMPTY;

    private Nftables(String table) {
        this.table = table;
    }

    /** The kernel datapath of this JVM, or null (said in the log) where nft does not work. */
    static Nftables open() {
        Nftables nft = new Nftables(PREFIX + ProcessHandle.current().pid() + "_" + OPENED.incrementAndGet());
        try {
            String tables = run("list tables\n");
            Matcher m = TABLE.matcher(tables);
            while (m.find()) {
                long pid = Long.parseLong(m.group(2));
                if (ProcessHandle.of(pid).isEmpty()) {
                    run("delete table ip " + m.group(1) + "\n");
                    LOG.info("Removed nftables table {} of a proxy that is gone", m.group(1));
                }
            }
            return nft;
        } catch (IOException e) {
            LOG.warn("No kernel datapath ({}): every service is proxied in userspace", e.getMessage());
            return null;
        }
    }

    String table() {
        return table;
    }

    /**
     * Makes the table hold exactly these rules, unless it does already. Affinity sets that stay
     * keep their clients; a failed transaction changes nothing.
     */
    void apply(List<KernelRule> rules) throws IOException {
        Ruleset next = Ruleset.of(rules);
        if (!next.equals(applied)) {
            run(script(table, applied, next));
            applied = next;
        }
    }

    /**
     * What the table holds: the DNAT rules of its two hook chains, a chain per service port with
     * affinity and per endpoint of it, and an affinity set per such endpoint (the clients it had
     * within the timeout). Chain and set names are hashes of the service port and endpoint, so a
     * set stays while they do.
     */
    record Ruleset(List<String> hook, Map<String, List<String>> chains, Map<String, Integer> sets) {

        static final Ruleset EMPTY = new Ruleset(List.of(), Map.of(), Map.of());

        static Ruleset of(List<KernelRule> rules) {
            List<String> hook = new ArrayList<>();
            Map<String, List<String>> chains = new TreeMap<>();
            Map<String, Integer> sets = new TreeMap<>();
            for (KernelRule rule : rules) {
                String numgen = "numgen " + (rule.algorithm() == KernelAlgorithm.RANDOM ? "random" : "inc") + " mod "
                        + rule.endpoints().size();
                String verdict;
                if (rule.affinitySeconds() == 0) {
                    List<String> entries = new ArrayList<>();
                    for (int i = 0; i < rule.endpoints().size(); i++) {
                        Endpoint endpoint = rule.endpoints().get(i);
                        entries.add(i + " : " + endpoint.ip() + " . " + endpoint.port());
                    }
                    verdict = "dnat ip to " + numgen + " map { " + String.join(", ", entries) + " }";
                } else {
                    // as kube-proxy's nftables mode: a client in an endpoint's set goes back to it, any
                    // other is given one by the algorithm; each connection refreshes its client's entry
                    String service = "svc-" + hash(rule.port());
                    List<String> lookups = new ArrayList<>();
                    List<String> entries = new ArrayList<>();
                    for (int i = 0; i < rule.endpoints().size(); i++) {
                        Endpoint endpoint = rule.endpoints().get(i);
                        String id = hash(rule.port() + " " + endpoint + " " + rule.affinitySeconds());
                        sets.put("aff-" + id, rule.affinitySeconds());
                        chains.put("ep-" + id, List.of("update @aff-" + id + " { ip saddr } meta l4proto "
                                + protocol(rule.frontends().get(0)) + " dnat ip to " + endpoint.ip() + ":" + endpoint.port()));
                        lookups.add("ip saddr @aff-" + id + " goto ep-" + id);
                        entries.add(i + " : goto ep-" + id);
                    }
                    lookups.add(numgen + " vmap { " + String.join(", ", entries) + " }");
                    chains.put(service, lookups);
                    verdict = "goto " + service;
                }
                for (Frontend frontend : rule.frontends()) {
                    hook.add("ip daddr " + frontend.ip() + " " + protocol(frontend) + " dport " + frontend.port() + " "
                            + verdict);
                }
            }
            return new Ruleset(List.copyOf(hook), chains, sets);
        }

        private static String protocol(Frontend frontend) {
            return frontend.protocol().toLowerCase(Locale.ROOT);
        }

        /** 64 bits of the SHA-256 of a name, in hex: short, and the same for the same name. */
        private static String hash(String name) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(digest, 0, 8);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * The nft script that takes the table from what it holds to the next ruleset, in one
     * transaction: every chain flushed, those not wanted deleted (with their sets), the sets
     * wanted added (kept, with their clients, where they exist), the rules written again. Pure.
     */
    static String script(String table, Ruleset current, Ruleset next) {
        String prefix = " ip " + table + " ";
        StringBuilder script = new StringBuilder();
        script.append("add table ip ").append(table).append('\n');
        script.append("add chain").append(prefix).append("output { type nat hook output priority -100; policy accept; }\n");
        // connections from pods' containers, which come in through their bridge (the runtime routes
        // 127.0.0.0/8 to the host): the same choice
        script.append("add chain").append(prefix).append("prerouting { type nat hook prerouting priority -100; policy accept; }\n");
        script.append("flush chain").append(prefix).append("output\n");
        script.append("flush chain").append(prefix).append("prerouting\n");
        current.chains().keySet().forEach(chain -> script.append("flush chain").append(prefix).append(chain).append('\n'));
        current.chains().keySet().stream().filter(chain -> !next.chains().containsKey(chain))
                .forEach(chain -> script.append("delete chain").append(prefix).append(chain).append('\n'));
        current.sets().keySet().stream().filter(set -> !next.sets().containsKey(set))
                .forEach(set -> script.append("delete set").append(prefix).append(set).append('\n'));
        next.sets().forEach((set, seconds) -> script.append("add set").append(prefix).append(set)
                .append(" { type ipv4_addr; flags dynamic,timeout; timeout ").append(seconds).append("s; }\n"));
        next.chains().keySet().forEach(chain -> script.append("add chain").append(prefix).append(chain).append('\n'));
        next.chains().forEach((chain, lines) -> lines.forEach(line ->
                script.append("add rule").append(prefix).append(chain).append(' ').append(line).append('\n')));
        for (String hook : List.of("output", "prerouting")) {
            next.hook().forEach(line -> script.append("add rule").append(prefix).append(hook).append(' ').append(line).append('\n'));
        }
        return script.toString();
    }

    /** Removes the table: the frontends go back to the userspace listeners. */
    @Override
    public void close() {
        try {
            run("delete table ip " + table + "\n");
        } catch (IOException e) {
            LOG.debug("Removing {}: {}", table, e.getMessage());
        }
        applied = Ruleset.EMPTY;
    }

    /** Runs an nft script, in one transaction; what it printed. */
    private static String run(String script) throws IOException {
        return Commands.run(List.of("nft", "-f", "-"), script, Duration.ofSeconds(10));
    }
}
