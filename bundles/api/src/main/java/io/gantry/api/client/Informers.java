package io.gantry.api.client;

import io.gantry.api.meta.v1.KubeObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared informers of one JVM, as client-go's SharedInformerFactory: one {@link Informer} per
 * kind, listing and watching once, whose cache, indexes and handlers every component uses.
 * Components register handlers (and close their registrations when they stop); the owner of this
 * factory closes it, and with it every informer. In OSGi it is published as {@link SharedInformers}.
 *
 * <p>As kube-scheduler's and kube-controller-manager's factories, the informers hold objects
 * without {@code metadata.managedFields} ({@link ListOptions#stripManagedFields}).
 */
public final class Informers implements SharedInformers, AutoCloseable {

    private final ApiClient client;
    private final Map<String, Informer<?>> informers = new HashMap<>();
    private boolean closed;

    public Informers(ApiClient client) {
        this.client = client;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <T extends KubeObject> Informer<T> informer(ResourceKind<T> kind) {
        if (closed) {
            throw new IllegalStateException("the informers are closed");
        }
        String id = kind.apiVersion() + "/" + kind.plural();
        Informer<T> informer = (Informer<T>) informers.get(id);
        if (informer == null) {
            informer = new Informer<>(client, kind, null, ListOptions.ALL.withoutManagedFields(), null).share();
            informers.put(id, informer);
            informer.start();
        }
        return informer;
    }

    @Override
    public synchronized boolean hasSynced() {
        return informers.values().stream().allMatch(Informer::hasSynced);
    }

    @Override
    public void close() {
        List<Informer<?>> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(informers.values());
            informers.clear();
        }
        all.forEach(Informer::shutdown);
    }
}
