package io.gantry.shell;

import io.gantry.api.store.migration.StorageMigrations;
import java.io.IOException;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * {@code gantry:use SPI PLUGIN}: makes an installed plugin the SPI's default, at once and in its
 * configuration file: the node's runtime for new pods, the scheduler's default policy, the API
 * server's storage (a live migration), the proxy's load balancer.
 */
@Service
@Command(scope = "gantry", name = "use", description = "Makes a plugin the default of its SPI, live and persisted")
public class UseCommand implements Action {

    @Reference
    BundleContext context;

    @Reference
    ConfigurationAdmin configAdmin;

    @Reference(optional = true)
    StorageMigrations storage;

    @Argument(index = 0, name = "spi", required = true, description = "runtime, scheduler, store or loadbalancer")
    @Completion(value = StringsCompleter.class, values = {"runtime", "scheduler", "store", "loadbalancer"})
    String spi;

    @Argument(index = 1, name = "plugin", required = true, description = "the installed plugin to use, as gantry:plugins lists it")
    String plugin;

    PrintStream out = System.out;
    /** Set by tests; else built from the references. */
    PluginCatalog catalog;

    @Override
    public Object execute() throws IOException {
        PluginCatalog plugins = catalog != null ? catalog : OsgiPlugins.catalog(context, configAdmin, storage, null);
        out.println(plugins.use(spi, plugin));
        return null;
    }
}
