package io.gantry.proxy;

import io.gantry.api.lb.Backend;
import io.gantry.api.lb.LoadBalancer;
import io.gantry.api.lb.PickRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live state of one service port on this node: its ready backends, the connection sequence
 * the plugins see, and the ClientIP affinity table. Updated by the proxy's sync thread, read by
 * the IO threads for each new connection.
 *
 * <p>An endpoint that leaves the ready set gets no new connection; the connections open to it go
 * on (they hold its {@link BackendRef}): that is the drain. Refs are kept while an endpoint is
 * ready or still has connections, so that one that comes back counts what it still serves.
 */
final class ServicePortState {

    private static final Logger LOG = LoggerFactory.getLogger(ServicePortState.class);

    private record Sticky(BackendRef backend, long lastUsedNanos) {
    }

    final String namespace;
    final String service;
    final String portName;
    final String protocol;
    private final Balancers balancers;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, Sticky> affinity = new ConcurrentHashMap<>();
    /** Guarded by this: every ref that is ready or drains, by endpoint. */
    private final Map<Endpoint, BackendRef> known = new HashMap<>();
    private volatile List<BackendRef> ready = List.of();
    private volatile String loadBalancer;
    private volatile long affinityNanos;
    private volatile PortRule rule;

    ServicePortState(String namespace, String service, String portName, String protocol, Balancers balancers) {
        this.namespace = namespace;
        this.service = service;
        this.portName = portName;
        this.protocol = protocol;
        this.balancers = balancers;
    }

    /** Takes the port's rule: its ready endpoints, plugin and affinity. */
    synchronized void update(PortRule rule) {
        List<BackendRef> next = new ArrayList<>();
        for (Endpoint endpoint : rule.endpoints()) {
            next.add(known.computeIfAbsent(endpoint, BackendRef::new));
        }
        known.values().removeIf(ref -> !next.contains(ref) && ref.active.get() == 0);
        ready = List.copyOf(next);
        loadBalancer = rule.loadBalancer();
        this.rule = rule;
        affinityNanos = TimeUnit.SECONDS.toNanos(rule.affinitySeconds());
        if (affinityNanos == 0) {
            affinity.clear();
        }
    }

    /** The plugin the service names by annotation, or null for the default. */
    String loadBalancer() {
        return loadBalancer;
    }

    List<BackendRef> ready() {
        return ready;
    }

    /** The rule last taken. */
    PortRule rule() {
        return rule;
    }

    /**
     * The backend of a new connection from {@code client}: the client's sticky backend under
     * ClientIP affinity if it is ready and was used within the timeout, else the plugin's pick.
     *
     * @param excluded backends this connection was refused by already
     * @return null when no ready backend is left
     */
    BackendRef pick(String client, Set<BackendRef> excluded) {
        List<BackendRef> candidates = ready;
        if (!excluded.isEmpty()) {
            candidates = new ArrayList<>(candidates);
            candidates.removeAll(excluded);
        }
        if (candidates.isEmpty()) {
            return null;
        }
        long now = System.nanoTime();
        long timeout = affinityNanos;
        if (timeout > 0) {
            Sticky sticky = affinity.get(client);
            if (sticky != null && now - sticky.lastUsedNanos() < timeout && candidates.contains(sticky.backend())) {
                affinity.put(client, new Sticky(sticky.backend(), now));
                return sticky.backend();
            }
        }
        BackendRef chosen = choose(client, candidates);
        if (timeout > 0) {
            affinity.put(client, new Sticky(chosen, now));
        }
        return chosen;
    }

    /** Forgets a client's affinity to a backend that refused it. */
    void refused(String client, BackendRef backend) {
        Sticky sticky = affinity.get(client);
        if (sticky != null && sticky.backend() == backend) {
            affinity.remove(client, sticky);
        }
    }

    /** Drops affinity entries idle longer than the timeout. */
    void expire(long nowNanos) {
        long timeout = affinityNanos;
        if (!affinity.isEmpty()) {
            affinity.values().removeIf(sticky -> timeout == 0 || nowNanos - sticky.lastUsedNanos() >= timeout);
        }
    }

    private BackendRef choose(String client, List<BackendRef> candidates) {
        List<Backend> view = new ArrayList<>(candidates.size());
        for (BackendRef ref : candidates) {
            view.add(new Backend(ref.endpoint.ip(), ref.endpoint.port(), ref.active.get()));
        }
        String wanted = loadBalancer;
        LoadBalancer plugin = balancers.resolve(wanted, namespace + "/" + service);
        PickRequest request = new PickRequest(namespace, service, portName, client, view, sequence.getAndIncrement());
        Backend answer;
        try {
            answer = plugin.pick(request);
        } catch (RuntimeException e) {
            // a plugin being stopped by an update may fail its last calls: the connection must not
            LOG.warn("Load balancer '{}' failed to pick for {}/{} ({}); taking the next in turn", balancers.inUse(wanted),
                    namespace, service, e.toString());
            answer = Balancers.IN_TURN.pick(request);
        }
        for (int i = 0; i < view.size(); i++) {
            Backend backend = view.get(i);
            if (answer != null && backend.ip().equals(answer.ip()) && backend.port() == answer.port()) {
                return candidates.get(i);
            }
        }
        balancers.misbehaved(balancers.inUse(wanted), answer, view.get(0));
        return candidates.get(0);
    }

    /** The connections open per endpoint, ready or draining ({@code ip:port}). */
    synchronized Map<String, Integer> connections() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        known.forEach((endpoint, ref) -> counts.put(endpoint.toString(), ref.active.get()));
        return counts;
    }

    @Override
    public String toString() {
        return namespace + "/" + service + (portName.isEmpty() ? "" : ":" + portName) + "/" + protocol;
    }
}
