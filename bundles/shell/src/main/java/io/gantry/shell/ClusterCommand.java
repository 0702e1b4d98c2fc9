package io.gantry.shell;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.cluster.LeaderElection;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.json.Json;
import io.gantry.api.print.Printers;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/**
 * {@code gantry:cluster}: the members of the cluster as this node sees them (address, node,
 * roles, data or lite, which one is this node), the leader of each role, and every Node's
 * readiness with whether its member is present.
 */
@Service
@Command(scope = "gantry", name = "cluster", description = "Shows the cluster's members, the leader of each role and each node's readiness")
public class ClusterCommand implements Action {

    /** The member attributes the cluster bundle publishes (its constants are private to it). */
    static final String NODE_ATTRIBUTE = "gantry.node";
    static final String ROLES_ATTRIBUTE = "gantry.roles";
    static final String API_ATTRIBUTE = "gantry.api";
    static final List<String> ROLES = List.of(LeaderElection.CONTROLLER_MANAGER, LeaderElection.SCHEDULER);

    @Reference(optional = true)
    HazelcastInstance member;

    @Reference(optional = true)
    LeaderElection election;

    @Reference(optional = true)
    ApiClient api;

    @Option(name = "-o", aliases = "--output", description = "json or yaml instead of tables")
    @Completion(value = StringsCompleter.class, values = {"json", "yaml"})
    String output;

    PrintStream out = System.out;

    /** What the command shows. */
    record View(List<MemberRow> members, List<LeaderRow> leaders, List<NodeRow> nodes, String note) {
    }

    record MemberRow(String address, String node, String roles, String type, boolean local, String api) {
    }

    /** holder null: no leader on this side of the cluster. */
    record LeaderRow(String role, String holder, Long term) {
    }

    record NodeRow(String name, String status, String reason, boolean member) {
    }

    @Override
    public Object execute() {
        View view = view();
        if (output == null) {
            out.print(tables(view));
        } else if (output.equals("json")) {
            out.println(Json.writePretty(view));
        } else if (output.equals("yaml")) {
            out.print(Json.writeYaml(view));
        } else {
            throw new IllegalArgumentException("unknown output format '" + output + "': use json or yaml, or no -o for tables");
        }
        return null;
    }

    View view() {
        List<MemberRow> members = new ArrayList<>();
        Set<String> memberNodes = new TreeSet<>();
        List<String> notes = new ArrayList<>();
        if (member == null || !member.getLifecycleService().isRunning()) {
            notes.add("this node runs no cluster member (feature gantry-core, etc/io.gantry.cluster.cfg)");
        } else {
            Member local = member.getCluster().getLocalMember();
            for (Member m : member.getCluster().getMembers()) {
                String node = orDash(m.getAttribute(NODE_ATTRIBUTE));
                memberNodes.add(node);
                members.add(new MemberRow(m.getAddress().getHost() + ":" + m.getAddress().getPort(), node,
                        orDash(m.getAttribute(ROLES_ATTRIBUTE)), m.isLiteMember() ? "lite" : "data",
                        m.getUuid().equals(local.getUuid()), m.getAttribute(API_ATTRIBUTE)));
            }
        }
        List<LeaderRow> leaders = new ArrayList<>();
        if (election == null) {
            notes.add("no leader election on this node");
        } else {
            for (String role : ROLES) {
                LeaderElection.Term term = election.current(role);
                leaders.add(term == null ? new LeaderRow(role, null, null)
                        : new LeaderRow(role, term.holder(), term.epoch() < 0 ? null : term.epoch()));
            }
        }
        List<NodeRow> nodes = new ArrayList<>();
        if (api == null) {
            notes.add("no API client on this node: node readiness unknown here");
        } else {
            for (Node node : api.list(ResourceKind.NODES, null, ListOptions.ALL).items) {
                NodeCondition ready = ready(node);
                String status = ready == null ? "Unknown" : switch (ready.status) {
                    case "True" -> "Ready";
                    case "False" -> "NotReady";
                    default -> "Unknown";
                };
                nodes.add(new NodeRow(node.metadata.name, status, ready == null ? "" : orEmpty(ready.reason),
                        memberNodes.contains(node.metadata.name)));
            }
        }
        return new View(members, leaders, nodes, notes.isEmpty() ? null : String.join("; ", notes));
    }

    static String tables(View view) {
        StringBuilder text = new StringBuilder();
        if (!view.members().isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("MEMBER", "NODE", "ROLES", "TYPE", "THIS"));
            for (MemberRow m : view.members()) {
                rows.add(List.of(m.address(), m.node(), m.roles(), m.type(), m.local() ? "*" : ""));
            }
            text.append(Printers.columns(rows));
        }
        if (!view.leaders().isEmpty()) {
            text.append('\n');
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("ROLE", "LEADER", "TERM"));
            for (LeaderRow leader : view.leaders()) {
                rows.add(List.of(leader.role(), leader.holder() == null ? "<none: no quorum>" : leader.holder(),
                        leader.term() == null ? "-" : String.valueOf(leader.term())));
            }
            text.append(Printers.columns(rows));
        }
        if (!view.nodes().isEmpty()) {
            text.append('\n');
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("NODE", "STATUS", "REASON", "MEMBER"));
            for (NodeRow node : view.nodes()) {
                rows.add(List.of(node.name(), node.status(), node.reason(), node.member() ? "yes" : "no"));
            }
            text.append(Printers.columns(rows));
        }
        if (view.note() != null) {
            text.append(view.note()).append('\n');
        }
        return text.toString();
    }

    private static NodeCondition ready(Node node) {
        if (node.status == null || node.status.conditions == null) {
            return null;
        }
        return node.status.conditions.stream().filter(c -> "Ready".equals(c.type)).findFirst().orElse(null);
    }

    private static String orDash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
