package io.gantry.shell;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Namespace;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.KubeList;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.print.Printers;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** {@code gantry:get pods|nodes|namespaces [NAME]}: what {@code kubectl get} shows, in the Karaf shell. */
@Service
@Command(scope = "gantry", name = "get", description = "Lists pods, nodes or namespaces, as kubectl get does")
public class GetCommand implements Action {

    @Reference
    ApiClient api;

    @Argument(index = 0, name = "resource", required = true,
            description = "pods (po), nodes (no) or namespaces (ns)")
    @Completion(value = StringsCompleter.class, values = {"pods", "nodes", "namespaces"})
    String resource;

    @Argument(index = 1, name = "name", required = false, multiValued = true,
            description = "Only the object with this name; options may follow, as with kubectl")
    List<String> rest;

    private String name;

    @Option(name = "-n", aliases = "--namespace", description = "Namespace of pods (default: default)")
    String namespace = "default";

    @Option(name = "-A", aliases = "--all-namespaces", description = "Pods of every namespace")
    boolean allNamespaces;

    @Option(name = "-l", aliases = "--selector", description = "Label selector, e.g. app=web")
    String selector;

    @Option(name = "-o", aliases = "--output", description = "wide, json or yaml")
    String output;

    @Override
    public Object execute() {
        PrintStream out = System.out;
        try {
            takeTrailingOptions();
            ResourceKind<?> kind = kind(resource);
            List<? extends KubeObject> items = read(kind);
            if ("json".equals(output) || "yaml".equals(output)) {
                Object shown = name != null && items.size() == 1 ? items.get(0)
                        : new KubeList<>("v1", "List", null, new ArrayList<Object>(items));
                out.println("json".equals(output) ? Json.writePretty(shown) : Json.writeYaml(shown));
                return null;
            }
            if (items.isEmpty()) {
                out.println(kind.namespaced() && !allNamespaces
                        ? "No resources found in " + namespace + " namespace." : "No resources found");
                return null;
            }
            out.print(Printers.columns(table(kind, items)));
        } catch (ApiException e) {
            // Thrown on, the shell prints the message and the command fails, as kubectl's would.
            throw new IllegalStateException("Error from server (" + e.reason() + "): " + e.getMessage(), e);
        }
        return null;
    }

    /**
     * Karaf's parser takes options only before the first argument; kubectl users write them
     * after ({@code get pods -o wide}), so options among the trailing arguments are read here.
     * Bad input throws IllegalArgumentException with kubectl's message, which the shell prints.
     */
    private void takeTrailingOptions() {
        List<String> args = rest == null ? List.of() : rest;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String flag = arg.contains("=") && arg.startsWith("-") ? arg.substring(0, arg.indexOf('=')) : arg;
            boolean inline = !flag.equals(arg);
            switch (flag) {
                case "-A", "--all-namespaces" -> allNamespaces = true;
                case "-n", "--namespace", "-l", "--selector", "-o", "--output" -> {
                    String value;
                    if (inline) {
                        value = arg.substring(flag.length() + 1);
                    } else if (i + 1 < args.size()) {
                        value = args.get(++i);
                    } else {
                        throw new IllegalArgumentException("flag needs an argument: " + flag);
                    }
                    switch (flag) {
                        case "-n", "--namespace" -> namespace = value;
                        case "-l", "--selector" -> selector = value;
                        default -> output = value;
                    }
                }
                default -> {
                    if (arg.startsWith("-")) {
                        throw new IllegalArgumentException("unknown flag: " + arg);
                    }
                    if (name != null) {
                        throw new IllegalArgumentException("only one name may be given, got " + name + " and " + arg);
                    }
                    name = arg;
                }
            }
        }
        if (output != null && !List.of("wide", "json", "yaml").contains(output)) {
            throw new IllegalArgumentException("unable to match a printer suitable for the output format \""
                    + output + "\", allowed formats are: json,wide,yaml");
        }
    }

    private List<? extends KubeObject> read(ResourceKind<?> kind) {
        String scope = kind.namespaced() && !allNamespaces ? namespace : null;
        if (name != null) {
            return List.of(api.get(kind, scope, name));
        }
        List<? extends KubeObject> items = new ArrayList<>(api.list(kind, scope, ListOptions.labels(selector)).items);
        items.sort(Comparator.comparing((KubeObject o) -> String.valueOf(o.metadata.namespace))
                .thenComparing(o -> o.metadata.name));
        return items;
    }

    private List<List<String>> table(ResourceKind<?> kind, List<? extends KubeObject> items) {
        boolean wide = "wide".equals(output);
        boolean showNamespace = kind.namespaced() && allNamespaces;
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>();
        if (showNamespace) {
            header.add("NAMESPACE");
        }
        if (kind == ResourceKind.PODS) {
            header.addAll(List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE"));
            if (wide) {
                header.addAll(List.of("IP", "NODE"));
            }
        } else if (kind == ResourceKind.NODES) {
            header.addAll(List.of("NAME", "STATUS", "ROLES", "AGE", "VERSION"));
            if (wide) {
                header.addAll(List.of("INTERNAL-IP", "CONTAINER-RUNTIME"));
            }
        } else {
            header.addAll(List.of("NAME", "STATUS", "AGE"));
        }
        rows.add(header);
        for (KubeObject item : items) {
            List<String> row = new ArrayList<>();
            if (showNamespace) {
                row.add(item.metadata.namespace);
            }
            row.add(item.metadata.name);
            if (item instanceof Pod pod) {
                row.add(Printers.podReady(pod));
                row.add(Printers.podStatus(pod));
                row.add(String.valueOf(Printers.podRestarts(pod)));
                row.add(Printers.age(pod.metadata.creationTimestamp));
                if (wide) {
                    row.add(pod.status == null || pod.status.podIP == null ? "<none>" : pod.status.podIP);
                    row.add(pod.spec.nodeName == null ? "<none>" : pod.spec.nodeName);
                }
            } else if (item instanceof Node node) {
                row.add(Printers.nodeStatus(node));
                row.add(Printers.nodeRoles(node));
                row.add(Printers.age(node.metadata.creationTimestamp));
                row.add(node.status == null || node.status.nodeInfo == null ? "" : node.status.nodeInfo.kubeletVersion);
                if (wide) {
                    row.add(Printers.nodeAddress(node, "InternalIP"));
                    row.add(node.status == null || node.status.nodeInfo == null ? "" : node.status.nodeInfo.containerRuntimeVersion);
                }
            } else if (item instanceof Namespace ns) {
                row.add(Printers.namespaceStatus(ns));
                row.add(Printers.age(ns.metadata.creationTimestamp));
            }
            rows.add(row);
        }
        return rows;
    }

    private static ResourceKind<?> kind(String resource) {
        for (ResourceKind<?> kind : ResourceKind.all()) {
            if (kind.plural().equals(resource) || kind.singular().equals(resource) || kind.shortNames().contains(resource)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("the server doesn't have a resource type \"" + resource + "\"");
    }
}
