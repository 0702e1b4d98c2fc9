package io.gantry.shell;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ApiResource;
import io.gantry.api.client.DynamicClient;
import io.gantry.api.client.ListOptions;
import io.gantry.api.json.Json;
import io.gantry.api.print.Printers;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code gantry:get RESOURCE [NAME]}: what {@code kubectl get} shows, in the Karaf shell, for
 * every kind the API serves: the columns come from the server's table, as kubectl gets them.
 */
@Service
@Command(scope = "gantry", name = "get", description = "Lists objects of any kind, as kubectl get does")
public class GetCommand implements Action {

    @Reference
    DynamicClient api;

    @Argument(index = 0, name = "resource", required = true,
            description = "A kind by any name: pods (po), deployments.apps (deploy), services (svc), ...")
    @Completion(ResourceCompleter.class)
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
            ApiResource kind = api.resolve(resource).orElseThrow(() -> new IllegalArgumentException(
                    "the server doesn't have a resource type \"" + resource + "\""));
            String scope = kind.namespaced() && !allNamespaces ? namespace : null;
            ListOptions options = ListOptions.labels(selector);
            if ("json".equals(output) || "yaml".equals(output)) {
                ObjectNode shown = name != null ? api.get(kind, scope, name) : api.list(kind, scope, options);
                out.println("json".equals(output) ? Json.writePretty(shown) : Json.writeYaml(shown));
                return null;
            }
            ObjectNode table = api.table(kind, scope, name, options);
            if (table.path("rows").isEmpty()) {
                out.println(kind.namespaced() && !allNamespaces
                        ? "No resources found in " + namespace + " namespace." : "No resources found");
                return null;
            }
            out.print(Printers.columns(rows(table, kind.namespaced() && allNamespaces, "wide".equals(output))));
        } catch (ApiException e) {
            // Thrown on, the shell prints the message and the command fails, as kubectl's would.
            throw new IllegalStateException("Error from server (" + e.reason() + "): " + e.getMessage(), e);
        }
        return null;
    }

    /** The header and rows kubectl prints from a server table: upper-case names, wide columns on request. */
    static List<List<String>> rows(ObjectNode table, boolean showNamespace, boolean wide) {
        List<Integer> shown = new ArrayList<>();
        List<String> header = new ArrayList<>();
        if (showNamespace) {
            header.add("NAMESPACE");
        }
        JsonNode definitions = table.path("columnDefinitions");
        for (int i = 0; i < definitions.size(); i++) {
            if (wide || definitions.get(i).path("priority").asInt(0) == 0) {
                shown.add(i);
                header.add(definitions.get(i).path("name").asText().toUpperCase(Locale.ROOT));
            }
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(header);
        for (JsonNode row : table.path("rows")) {
            List<String> cells = new ArrayList<>();
            if (showNamespace) {
                cells.add(row.path("object").path("metadata").path("namespace").asText());
            }
            for (int i : shown) {
                cells.add(row.path("cells").path(i).asText());
            }
            rows.add(cells);
        }
        return rows;
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
}
