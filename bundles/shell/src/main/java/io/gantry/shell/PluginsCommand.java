package io.gantry.shell;

import io.gantry.api.json.Json;
import io.gantry.api.lb.LoadBalancerStatus;
import io.gantry.api.print.Printers;
import io.gantry.api.store.migration.StorageMigrations;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * {@code gantry:plugins}: every SPI (runtime, scheduler, store, loadbalancer) with its installed
 * plugins, the configured default and the one in use; a table, or {@code -o json|yaml}.
 */
@Service
@Command(scope = "gantry", name = "plugins", description = "Lists the plugins of each SPI, the default and the one in use")
public class PluginsCommand implements Action {

    @Reference
    BundleContext context;

    @Reference
    ConfigurationAdmin configAdmin;

    @Reference(optional = true)
    StorageMigrations storage;

    @Reference(optional = true)
    LoadBalancerStatus proxy;

    @Option(name = "-o", aliases = "--output", description = "json or yaml instead of a table")
    @Completion(value = StringsCompleter.class, values = {"json", "yaml"})
    String output;

    PrintStream out = System.out;
    /** Set by tests; else built from the references. */
    PluginCatalog catalog;

    @Override
    public Object execute() throws IOException {
        List<PluginCatalog.SpiState> states = (catalog != null ? catalog : OsgiPlugins.catalog(context, configAdmin, storage, proxy))
                .states();
        if (output == null) {
            out.print(table(states));
        } else if (output.equals("json")) {
            out.println(Json.writePretty(states));
        } else if (output.equals("yaml")) {
            out.print(Json.writeYaml(states));
        } else {
            throw new IllegalArgumentException("unknown output format '" + output + "': use json or yaml, or no -o for a table");
        }
        return null;
    }

    static String table(List<PluginCatalog.SpiState> states) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("SPI", "PLUGIN", "DEFAULT", "IN USE"));
        for (PluginCatalog.SpiState state : states) {
            for (String plugin : state.installed()) {
                rows.add(List.of(state.spi(), plugin, plugin.equals(state.defaultPlugin()) ? "*" : "",
                        plugin.equals(state.inUse()) ? "*" : ""));
            }
            boolean defaultMissing = !state.defaultPlugin().isEmpty() && !state.installed().contains(state.defaultPlugin());
            if (defaultMissing) {
                rows.add(List.of(state.spi(), state.defaultPlugin(), "* (not installed)",
                        state.defaultPlugin().equals(state.inUse()) ? "*" : ""));
            }
            if (!state.inUse().isEmpty() && !state.installed().contains(state.inUse()) && !state.inUse().equals(state.defaultPlugin())) {
                rows.add(List.of(state.spi(), state.inUse(), "", "* (not installed)"));
            }
            if (state.installed().isEmpty() && !defaultMissing) {
                rows.add(List.of(state.spi(), "(none installed)", "", ""));
            }
            Map<String, List<String>> byPlugin = new TreeMap<>();
            // services in name order, whatever order the proxy reports them in
            new TreeMap<>(state.fallbacks()).forEach((service, plugin) ->
                    byPlugin.computeIfAbsent(plugin, p -> new ArrayList<>()).add(service));
            byPlugin.forEach((plugin, services) -> rows.add(List.of(state.spi(), plugin, "(not installed)",
                    String.join(", ", services) + " use the default")));
        }
        return Printers.columns(rows);
    }
}
