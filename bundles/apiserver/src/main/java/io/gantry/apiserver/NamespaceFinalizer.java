package io.gantry.apiserver;

import io.gantry.api.client.ApiException;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Namespace;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.meta.v1.DeleteOptions;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Does what Kubernetes' namespace controller does for a namespace being deleted: deletes the
 * pods in it (gracefully), and the namespace itself once it is empty. Also creates the system
 * namespaces once a storage backend is there.
 */
final class NamespaceFinalizer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NamespaceFinalizer.class);
    private static final long PERIOD_MILLIS = 1000;

    private final Registry registry;
    private final ScheduledExecutorService executor;
    private volatile boolean systemNamespacesReady;

    NamespaceFinalizer(Registry registry) {
        this.registry = registry;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "gantry-namespace-finalizer");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::run, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Runs a pass now, as when a backend arrives or a namespace is marked. */
    void kick() {
        try {
            executor.execute(this::run);
        } catch (RuntimeException rejected) {
            // closing
        }
    }

    private synchronized void run() {
        if (!registry.hasStore()) {
            systemNamespacesReady = false;
            return;
        }
        try {
            if (!systemNamespacesReady) {
                registry.ensureSystemNamespaces();
                systemNamespacesReady = true;
            }
            for (Namespace namespace : registry.list(ResourceKind.NAMESPACES, null, ListOptions.ALL).items) {
                if (namespace.metadata.deletionTimestamp != null) {
                    finalize(namespace.metadata.name);
                }
            }
        } catch (ApiException e) {
            LOG.debug("Namespace housekeeping deferred: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Namespace housekeeping failed", e);
        }
    }

    private void finalize(String namespace) {
        List<Pod> pods = registry.list(ResourceKind.PODS, namespace, ListOptions.ALL).items;
        if (pods.isEmpty()) {
            try {
                registry.store().delete(Registry.key(ResourceKind.NAMESPACES, null, namespace), 0);
                LOG.info("Namespace {} deleted", namespace);
            } catch (RuntimeException e) {
                LOG.debug("Namespace {} not deleted yet: {}", namespace, e.getMessage());
            }
            return;
        }
        for (Pod pod : pods) {
            if (pod.metadata.deletionTimestamp == null) {
                try {
                    registry.delete(ResourceKind.PODS, namespace, pod.metadata.name, new DeleteOptions());
                } catch (ApiException e) {
                    LOG.debug("Pod {}/{} not deleted yet: {}", namespace, pod.metadata.name, e.getMessage());
                }
            }
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
