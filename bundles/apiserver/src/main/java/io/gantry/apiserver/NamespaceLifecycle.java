package io.gantry.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Daemons;
import io.gantry.api.client.ApiException;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoreWatchListener;
import io.gantry.api.store.StoredPage;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Trees;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Kubernetes' namespace and service-account controllers do, fed by one watch of the whole
 * registry (no polling): the system namespaces exist; every namespace has a {@code default}
 * service account; a namespace being deleted loses all its content (pods gracefully) and then
 * its {@code kubernetes} finalizer, upon which the registry removes it.
 *
 * <p>Work is queued per namespace and done on one thread; a namespace is looked at again when an
 * object in it goes away, and every namespace once when the watch starts (or restarts after the
 * backend changed), so nothing is missed between a list and its watch.
 */
final class NamespaceLifecycle implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NamespaceLifecycle.class);
    /** Namespaces every cluster has, which may not be deleted. */
    static final List<String> SYSTEM_NAMESPACES = List.of("default", "kube-system", "kube-public", "kube-node-lease");
    private static final String FINALIZER = "kubernetes";
    private static final long RETRY_MILLIS = 1000;

    private final Registry registry;
    private final ScheduledExecutorService executor;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final Map<String, KindStrategy> byPrefix = new HashMap<>();
    private volatile StoreWatch watch;
    private volatile boolean closed;

    NamespaceLifecycle(Registry registry) {
        this.registry = registry;
        for (KindStrategy kind : registry.kinds().all()) {
            if (!kind.storedElsewhere()) {
                byPrefix.put(ResourceStore.prefix(kind, null), kind);
            }
        }
        this.executor = Daemons.scheduler("gantry-namespaces");
    }

    /** Starts (or restarts) the watch, as when a backend arrives. */
    void kick() {
        submit(this::start, 0);
    }

    private void submit(Runnable task, long delayMillis) {
        if (closed) {
            return;
        }
        try {
            executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException rejected) {
            // closing
        }
    }

    private void start() {
        if (closed || !registry.hasBackend()) {
            return;
        }
        stopWatch();
        try {
            ensureSystemNamespaces();
            StorageBackend backend = registry.backend();
            StoredPage namespaces = backend.list(ResourceStore.prefix(namespacesKind(), null));
            watch = backend.watch("/registry/", namespaces.revision(), new StoreWatchListener() {
                @Override
                public void onEvent(StoreEvent event) {
                    observe(event);
                }

                @Override
                public void onClose(StoreException cause) {
                    if (cause != null && !closed) {
                        LOG.debug("Namespace watch ended ({}): starting again", cause.getMessage());
                        submit(NamespaceLifecycle.this::start, RETRY_MILLIS);
                    }
                }
            });
            namespaces.entries().forEach(entry -> enqueue(ResourceStore.decode(entry).path("metadata").path("name")
                    .asText()));
        } catch (RuntimeException e) {
            LOG.debug("Namespace housekeeping deferred: {}", e.getMessage());
            submit(this::start, RETRY_MILLIS);
        }
    }

    /** Decides from one change which namespace needs a look; never blocks the watch. */
    private void observe(StoreEvent event) {
        String key = event.entry().key();
        KindStrategy kind = kindOf(key);
        if (kind == null) {
            return;
        }
        String rest = key.substring(ResourceStore.prefix(kind, null).length());
        if (kind == namespacesKind()) {
            enqueue(rest);
        } else if (kind.kind().namespaced() && (event.type() == StoreEvent.Type.DELETE
                || kind.kind().plural().equals("serviceaccounts"))) {
            int slash = rest.indexOf('/');
            if (slash > 0) {
                enqueue(rest.substring(0, slash));
            }
        }
    }

    private KindStrategy kindOf(String key) {
        int end = key.indexOf('/', "/registry/".length());
        return end < 0 ? null : byPrefix.get(key.substring(0, end + 1));
    }

    private void enqueue(String namespace) {
        if (queued.add(namespace)) {
            submit(() -> {
                queued.remove(namespace);
                sync(namespace);
            }, 0);
        }
    }

    /** Brings one namespace to what it should be. */
    private void sync(String name) {
        try {
            Optional<ObjectNode> namespace = registry.store().find(namespacesKind(), null, name);
            if (namespace.isEmpty()) {
                return;
            }
            if (ResourceStore.isMarked(namespace.get())) {
                finalizeContent(name);
            } else {
                ensureDefaultServiceAccount(name);
            }
        } catch (ApiException e) {
            LOG.debug("Namespace {} not settled yet: {}", name, e.getMessage());
            submit(() -> enqueue(name), RETRY_MILLIS);
        } catch (RuntimeException e) {
            LOG.warn("Namespace {} housekeeping failed", name, e);
            submit(() -> enqueue(name), RETRY_MILLIS);
        }
    }

    /** Deletes what is left in a terminating namespace; once empty, lets the namespace go. */
    private void finalizeContent(String namespace) {
        boolean empty = true;
        for (KindStrategy kind : registry.kinds().all()) {
            if (!kind.kind().namespaced() || kind.storedElsewhere()) {
                continue; // the objects of a kind stored as another are that kind's
            }
            for (JsonNode item : registry.store().list(kind, namespace, Selection.all(), 0, null).path("items")) {
                empty = false;
                if (!ResourceStore.isMarked(item)) {
                    try {
                        registry.store().delete(kind, namespace, item.path("metadata").path("name").asText(),
                                background(), WriteOptions.internal());
                    } catch (ApiException e) {
                        if (!e.isNotFound()) {
                            throw e;
                        }
                    }
                }
            }
        }
        if (empty) {
            ObjectNode body = Json.mapper().createObjectNode();
            ObjectNode current = registry.store().get(namespacesKind(), null, namespace);
            var finalizers = body.putObject("spec").putArray("finalizers");
            for (JsonNode finalizer : current.path("spec").path("finalizers")) {
                if (!FINALIZER.equals(finalizer.asText())) {
                    finalizers.add(finalizer);
                }
            }
            registry.store().finalizeNamespace(namespacesKind(), namespace, body, WriteOptions.internal());
            LOG.info("Namespace {} is empty and finalized", namespace);
        }
    }

    /**
     * Content goes with Background propagation, as Kubernetes' namespace controller deletes it: a
     * kind whose default is to orphan (v1 ReplicationControllers) gets no finalizer that would
     * hold the namespace until the garbage collector ran.
     */
    private static DeleteOptions background() {
        DeleteOptions options = new DeleteOptions();
        options.propagationPolicy = "Background";
        return options;
    }

    private void ensureDefaultServiceAccount(String namespace) {
        Optional<KindStrategy> accounts = registry.kinds().byResource("", "v1", "serviceaccounts");
        if (accounts.isEmpty() || registry.store().find(accounts.get(), namespace, "default").isPresent()) {
            return;
        }
        ObjectNode account = Json.mapper().createObjectNode();
        Trees.object(account, "metadata").put("name", "default").put("namespace", namespace);
        try {
            registry.store().create(accounts.get(), namespace, account, WriteOptions.internal());
        } catch (ApiException e) {
            if (e.code() != 409 && e.code() != 403) {
                throw e;
            }
        }
    }

    /** Creates the namespaces every cluster has, if missing. */
    void ensureSystemNamespaces() {
        for (String name : SYSTEM_NAMESPACES) {
            if (registry.store().find(namespacesKind(), null, name).isEmpty()) {
                ObjectNode namespace = Json.mapper().createObjectNode();
                Trees.object(namespace, "metadata").put("name", name);
                try {
                    registry.store().create(namespacesKind(), null, namespace, WriteOptions.internal());
                    LOG.info("Created namespace {}", name);
                } catch (ApiException e) {
                    if (e.code() != 409) {
                        throw e;
                    }
                }
            }
            ensureDefaultServiceAccount(name);
        }
    }

    private KindStrategy namespacesKind() {
        return registry.kinds().byResource("", "v1", "namespaces").orElseThrow();
    }

    private void stopWatch() {
        StoreWatch current = watch;
        watch = null;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        stopWatch();
        executor.shutdownNow();
    }
}
