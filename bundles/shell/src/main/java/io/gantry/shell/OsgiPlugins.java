package io.gantry.shell;

import io.gantry.api.Plugins;
import io.gantry.api.lb.LoadBalancerStatus;
import io.gantry.api.store.migration.StorageMigrations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** The plugin catalog of a running Karaf: plugins from the service registry, defaults in configuration admin. */
final class OsgiPlugins {

    private OsgiPlugins() {
    }

    static PluginCatalog catalog(BundleContext context, ConfigurationAdmin configAdmin, StorageMigrations storage,
            LoadBalancerStatus proxy) {
        return new PluginCatalog(serviceInterface -> installed(context, serviceInterface), new PluginCatalog.Settings() {
            @Override
            public String get(String pid, String key) throws IOException {
                Configuration[] found;
                try {
                    found = configAdmin.listConfigurations("(service.pid=" + pid + ")");
                } catch (InvalidSyntaxException e) {
                    throw new IllegalStateException(e);
                }
                if (found == null || found.length == 0 || found[0].getProperties() == null) {
                    return null;
                }
                Object value = found[0].getProperties().get(key);
                return value == null ? null : value.toString();
            }

            @Override
            public void set(String pid, String key, String value) throws IOException {
                // "?": bound to whichever bundle uses the PID, as config:edit does
                Configuration configuration = configAdmin.getConfiguration(pid, "?");
                Dictionary<String, Object> properties = configuration.getProperties() == null ? new Hashtable<>()
                        : configuration.getProperties();
                properties.put(key, value);
                configuration.update(properties); // written back to etc/<pid>.cfg by Karaf's file install
                awaitSaved(pid, key, value);
            }
        }, () -> storage, () -> proxy);
    }

    /**
     * Waits, for 5 s at most, until Karaf's file install has written a change to etc/PID.cfg: a
     * second change to the same configuration while the file is being written can meet file
     * install reading it half-written, and the emptied file would then become the configuration.
     * A configuration without a file in etc/ is not written back, and is not waited for.
     */
    private static void awaitSaved(String pid, String key, String value) {
        String etc = System.getProperty("karaf.etc");
        Path file = etc == null ? null : Path.of(etc, pid + ".cfg");
        if (file == null || !Files.exists(file)) {
            return;
        }
        Pattern saved = Pattern.compile("(?m)^" + Pattern.quote(key) + "\\s*=\\s*\"?" + Pattern.quote(value) + "\"?\\s*$");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            try {
                if (saved.matcher(Files.readString(file)).find()) {
                    return;
                }
            } catch (IOException e) {
                // being written: look again
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static SortedSet<String> installed(BundleContext context, String serviceInterface) {
        SortedSet<String> names = new TreeSet<>();
        try {
            // all references, not only those whose package this bundle sees the same way: list what is there
            ServiceReference<?>[] references = context.getAllServiceReferences(serviceInterface, "(" + Plugins.NAME + "=*)");
            if (references != null) {
                for (ServiceReference<?> reference : references) {
                    names.add(String.valueOf(reference.getProperty(Plugins.NAME)));
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }
}
