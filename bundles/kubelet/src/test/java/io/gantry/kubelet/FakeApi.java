package io.gantry.kubelet;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.Watch;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.client.WatchListener;
import io.gantry.api.core.v1.Binding;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.KubeList;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.meta.v1.Times;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An in-memory API for the kubelet's tests: objects by kind and key, a resource version per
 * write, watches (events delivered in order from one thread), a pod's two-step deletion as the
 * API server does it. No validation and no field selectors: each test has its own.
 */
final class FakeApi implements ApiClient, AutoCloseable {

    private final Map<String, KubeObject> objects = new ConcurrentHashMap<>();
    private final List<Watcher<?>> watchers = new CopyOnWriteArrayList<>();
    private final ExecutorService delivery = Executors.newSingleThreadExecutor();
    private long revision;

    private record Watcher<T extends KubeObject>(ResourceKind<T> kind, WatchListener<T> listener) {
    }

    /** Every change, so that a watch from a revision gets what happened after it (as the API server's does). */
    private record Change(long revision, ResourceKind<?> kind, WatchEvent.Type type, KubeObject object) {
    }

    private final List<Change> history = new ArrayList<>();

    @Override
    public synchronized <T extends KubeObject> T create(ResourceKind<T> kind, T object) {
        T stored = Json.copy(object);
        if (objects.containsKey(key(kind, stored))) {
            throw ApiException.alreadyExists(kind, stored.metadata.name);
        }
        if (stored.metadata.uid == null) {
            stored.metadata.uid = UUID.randomUUID().toString();
        }
        stored.metadata.creationTimestamp = Times.now();
        return write(kind, stored, WatchEvent.Type.ADDED);
    }

    @Override
    public synchronized <T extends KubeObject> T get(ResourceKind<T> kind, String namespace, String name) {
        KubeObject found = objects.get(kind.plural() + "/" + namespace + "/" + name);
        if (found == null) {
            throw ApiException.notFound(kind, name);
        }
        return Json.copy(kind.type().cast(found));
    }

    @Override
    public synchronized <T extends KubeObject> KubeList<T> list(ResourceKind<T> kind, String namespace, ListOptions options) {
        List<T> items = new ArrayList<>();
        for (Map.Entry<String, KubeObject> entry : objects.entrySet()) {
            if (entry.getKey().startsWith(kind.plural() + "/")) {
                T object = kind.type().cast(entry.getValue());
                if (namespace == null || namespace.equals(object.metadata.namespace)) {
                    items.add(Json.copy(object));
                }
            }
        }
        return new KubeList<>(kind.apiVersion(), kind.kind() + "List", String.valueOf(revision), items);
    }

    @Override
    public synchronized <T extends KubeObject> T update(ResourceKind<T> kind, T object) {
        T existing = get(kind, object.metadata.namespace, object.metadata.name);
        T stored = Json.copy(object);
        stored.metadata.uid = existing.metadata.uid;
        return write(kind, stored, WatchEvent.Type.MODIFIED);
    }

    @Override
    public synchronized <T extends KubeObject> T updateStatus(ResourceKind<T> kind, T object) {
        T existing = get(kind, object.metadata.namespace, object.metadata.name);
        if (!Objects.equals(existing.metadata.uid, object.metadata.uid)) {
            throw ApiException.conflict(kind, object.metadata.name, "the object was replaced");
        }
        T stored = Json.copy(object);
        stored.metadata = existing.metadata;
        if (existing instanceof Pod pod && stored instanceof Pod replacement) {
            replacement.spec = pod.spec;
        }
        return write(kind, stored, WatchEvent.Type.MODIFIED);
    }

    @Override
    public synchronized <T extends KubeObject> T delete(ResourceKind<T> kind, String namespace, String name, DeleteOptions options) {
        T existing = get(kind, namespace, name);
        if (options != null && options.preconditions != null && options.preconditions.uid != null
                && !options.preconditions.uid.equals(existing.metadata.uid)) {
            throw ApiException.conflict(kind, name, "the uid precondition failed");
        }
        Long grace = options == null ? null : options.gracePeriodSeconds;
        if (existing instanceof Pod pod && pod.spec.nodeName != null && (grace == null || grace > 0)) {
            if (existing.metadata.deletionTimestamp == null) {
                existing.metadata.deletionTimestamp = Times.now();
                existing.metadata.deletionGracePeriodSeconds = grace != null ? grace
                        : pod.spec.terminationGracePeriodSeconds != null ? pod.spec.terminationGracePeriodSeconds : 30;
                return write(kind, existing, WatchEvent.Type.MODIFIED);
            }
            return existing;
        }
        objects.remove(key(kind, existing));
        revision++;
        existing.metadata.resourceVersion = String.valueOf(revision);
        publish(kind, WatchEvent.Type.DELETED, existing);
        return existing;
    }

    @Override
    public void bind(Binding binding) {
        throw new UnsupportedOperationException("the kubelet does not bind");
    }

    @Override
    public synchronized <T extends KubeObject> Watch watch(ResourceKind<T> kind, String namespace, ListOptions options,
                                                           WatchListener<T> listener) {
        Watcher<T> watcher = new Watcher<>(kind, listener);
        long from = options == null || options.resourceVersion() == null || options.resourceVersion().isEmpty()
                ? revision : Long.parseLong(options.resourceVersion());
        for (Change change : history) {
            if (change.kind() == kind && change.revision() > from) {
                T object = kind.type().cast(Json.copy(change.object()));
                delivery.execute(() -> listener.onEvent(new WatchEvent<>(change.type(), object)));
            }
        }
        watchers.add(watcher);
        return () -> watchers.remove(watcher);
    }

    /** True when no object of the kind has this name. */
    boolean absent(ResourceKind<?> kind, String namespace, String name) {
        return !objects.containsKey(kind.plural() + "/" + namespace + "/" + name);
    }

    @Override
    public void close() {
        delivery.shutdownNow();
    }

    private <T extends KubeObject> T write(ResourceKind<T> kind, T stored, WatchEvent.Type type) {
        revision++;
        stored.metadata.resourceVersion = String.valueOf(revision);
        objects.put(key(kind, stored), stored);
        publish(kind, type, stored);
        return Json.copy(stored);
    }

    @SuppressWarnings("unchecked")
    private <T extends KubeObject> void publish(ResourceKind<T> kind, WatchEvent.Type type, T object) {
        T copy = Json.copy(object);
        history.add(new Change(revision, kind, type, copy));
        for (Watcher<?> watcher : watchers) {
            if (watcher.kind() == kind) {
                Watcher<T> typed = (Watcher<T>) watcher;
                delivery.execute(() -> typed.listener().onEvent(new WatchEvent<>(type, Json.copy(copy))));
            }
        }
    }

    private static String key(ResourceKind<?> kind, KubeObject object) {
        return kind.plural() + "/" + object.metadata.namespace + "/" + object.metadata.name;
    }
}
