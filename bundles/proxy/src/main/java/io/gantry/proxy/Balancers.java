package io.gantry.proxy;

import io.gantry.api.lb.Backend;
import io.gantry.api.lb.LoadBalancer;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The installed LoadBalancer plugins by name and the default, resolved at each new connection: a
 * plugin installed, updated or removed is seen by the next connection, none is kept beyond one
 * pick. A service whose plugin is missing gets the default; when the default is missing too, the
 * ready endpoints are taken in turn (so that updating the default plugin, which unregisters it for
 * a moment, fails no connection). Each fallback is logged once until the plugins change.
 */
final class Balancers {

    private static final Logger LOG = LoggerFactory.getLogger(Balancers.class);

    /** The last resort, while no plugin of the wanted name is installed: round robin. */
    static final LoadBalancer IN_TURN = request -> request.backends()
            .get((int) Math.floorMod(request.sequence(), (long) request.backends().size()));

    private final Map<String, LoadBalancer> plugins = new ConcurrentHashMap<>();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private volatile String defaultName;

    Balancers(String defaultName) {
        this.defaultName = defaultName;
    }

    void add(String name, LoadBalancer plugin) {
        plugins.put(name, plugin);
        reported.clear();
        LOG.info("Load balancer '{}' available{}", name, name.equals(defaultName) ? " (the default)" : "");
    }

    /** @param users the services that name the plugin, for the log line */
    void remove(String name, LoadBalancer plugin, Set<String> users) {
        if (plugins.remove(name, plugin)) {
            reported.clear();
            if (name.equals(defaultName)) {
                LOG.warn("Load balancer '{}', the default, was removed; new connections take ready endpoints in turn"
                        + " until it is back (installed: {})", name, installed());
            } else if (!users.isEmpty()) {
                LOG.warn("Load balancer '{}' was removed; new connections of {} use the default '{}'; established"
                        + " connections continue", name, String.join(", ", users), defaultName);
            } else {
                LOG.info("Load balancer '{}' removed", name);
            }
        }
    }

    void setDefault(String name) {
        if (!name.equals(defaultName)) {
            LOG.info("Default load balancer is now '{}' (was '{}')", name, defaultName);
            defaultName = name;
            reported.clear();
        }
    }

    String defaultName() {
        return defaultName;
    }

    /** The plugin of a new connection of a service that names {@code wanted} (null: the default). */
    LoadBalancer resolve(String wanted, String service) {
        if (wanted != null) {
            LoadBalancer plugin = plugins.get(wanted);
            if (plugin != null) {
                return plugin;
            }
            if (reported.add(service + "\0" + wanted)) {
                LOG.warn("Service {} names load balancer '{}' ({}), which is not installed (installed: {}); using the"
                        + " default '{}'", service, wanted, ProxyRules.LOAD_BALANCER_ANNOTATION, installed(), defaultName);
            }
        }
        String name = defaultName;
        LoadBalancer plugin = plugins.get(name);
        if (plugin != null) {
            return plugin;
        }
        if (reported.add("\0" + name)) {
            LOG.warn("The default load balancer '{}' is not installed (installed: {}); taking ready endpoints in turn"
                    + " until it is (feature:install gantry-lb-{}, or gantry:use loadbalancer NAME)", name, installed(), name);
        }
        return IN_TURN;
    }

    /** What {@link #resolve} would give, without logging; null for the built-in last resort. */
    LoadBalancer peek(String wanted) {
        LoadBalancer plugin = wanted == null ? null : plugins.get(wanted);
        return plugin != null ? plugin : plugins.get(defaultName);
    }

    /** The name of what {@link #resolve} gives now, for the shell and the logs. */
    String inUse(String wanted) {
        if (wanted != null && plugins.containsKey(wanted)) {
            return wanted;
        }
        return plugins.containsKey(defaultName) ? defaultName : "";
    }

    private String installed() {
        Set<String> names = new TreeSet<>(plugins.keySet());
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    /** For a plugin that answered with no backend of the request: the first, and say so once. */
    Backend misbehaved(String name, Backend answer, Backend first) {
        if (reported.add("\0misbehaved\0" + name)) {
            LOG.error("Load balancer '{}' picked {}, which is not one of the ready backends; using {}", name, answer, first);
        }
        return first;
    }
}
