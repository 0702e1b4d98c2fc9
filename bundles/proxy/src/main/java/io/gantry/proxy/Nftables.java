package io.gantry.proxy;

import io.gantry.api.Commands;
import io.gantry.api.lb.KernelAlgorithm;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel datapath: one nftables table of this proxy, with NAT chains that DNAT new
 * connections to a served frontend to an endpoint chosen by {@code numgen} (inc for round robin,
 * random). The whole table is replaced in one nft transaction, so a change is
 * atomic; conntrack keeps every established connection on the endpoint it was given, so no
 * change cuts one. Every address here is on loopback: connections made on this machine take the
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
    private String applied = "";

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

    /** Makes the table hold exactly these rules, unless it does already. */
    void apply(List<KernelRule> rules) throws IOException {
        String ruleset = render(table, rules);
        if (!ruleset.equals(applied)) {
            run(ruleset);
            applied = ruleset;
        }
    }

    /** The nft script that replaces the table's content with the rules, in one transaction. Pure. */
    static String render(String table, List<KernelRule> rules) {
        StringBuilder dnat = new StringBuilder();
        for (KernelRule rule : rules) {
            Frontend frontend = rule.frontend();
            List<String> entries = new ArrayList<>();
            for (int i = 0; i < rule.endpoints().size(); i++) {
                Endpoint endpoint = rule.endpoints().get(i);
                entries.add(i + " : " + endpoint.ip() + " . " + endpoint.port());
            }
            dnat.append("    ip daddr ").append(frontend.ip()).append(' ')
                    .append(frontend.protocol().toLowerCase(Locale.ROOT)).append(" dport ").append(frontend.port())
                    .append(" dnat ip to numgen ").append(rule.algorithm() == KernelAlgorithm.RANDOM ? "random" : "inc")
                    .append(" mod ").append(rule.endpoints().size()).append(" map { ").append(String.join(", ", entries))
                    .append(" }\n");
        }
        StringBuilder script = new StringBuilder();
        script.append("table ip ").append(table).append(" {}\n");
        script.append("flush table ip ").append(table).append('\n');
        script.append("table ip ").append(table).append(" {\n");
        script.append("  chain output {\n");
        script.append("    type nat hook output priority -100; policy accept;\n");
        script.append(dnat);
        script.append("  }\n");
        // connections from pods' containers, which come in through their bridge (the runtime routes
        // 127.0.0.0/8 to the host): the same choice
        script.append("  chain prerouting {\n");
        script.append("    type nat hook prerouting priority -100; policy accept;\n");
        script.append(dnat);
        script.append("  }\n}\n");
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
        applied = "";
    }

    /** Runs an nft script, in one transaction; what it printed. */
    private static String run(String script) throws IOException {
        return Commands.run(List.of("nft", "-f", "-"), script, Duration.ofSeconds(10));
    }
}
