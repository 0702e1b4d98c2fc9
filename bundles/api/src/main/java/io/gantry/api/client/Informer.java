package io.gantry.api.client;

import io.gantry.api.meta.v1.KubeList;
import io.gantry.api.meta.v1.KubeObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local cache of one kind of object, fed by list then watch, as client-go's informers are:
 * components read from it instead of polling the API. When the watch ends (410 Expired, or the
 * API went away) it lists again and tells the handler what changed meanwhile.
 *
 * <p>Handler calls are serialized and must not block. Cached objects are shared: treat them as
 * read-only and copy ({@code Json.copy}) before changing one.
 */
public final class Informer<T extends KubeObject> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Informer.class);
    private static final long RETRY_MILLIS = 1000;

    /** Told about every change to the cache. */
    public interface Handler<T> {
        default void onAdd(T object) {
        }

        default void onUpdate(T previous, T current) {
        }

        default void onDelete(T object) {
        }
    }

    private final ApiClient client;
    private final ResourceKind<T> kind;
    private final String namespace;
    private final ListOptions options;
    private final Handler<T> handler;
    private final Map<String, T> cache = new ConcurrentHashMap<>();
    private final ScheduledExecutorService executor;
    private volatile Watch watch;
    private volatile boolean synced;
    private volatile boolean closed;

    public Informer(ApiClient client, ResourceKind<T> kind, String namespace, ListOptions options, Handler<T> handler) {
        this.client = client;
        this.kind = kind;
        this.namespace = namespace;
        this.options = options == null ? ListOptions.ALL : options;
        this.handler = handler;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "gantry-informer-" + kind.plural());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts the first list and watch in the background. */
    public Informer<T> start() {
        executor.execute(this::listAndWatch);
        return this;
    }

    /** True once the cache holds a full list. */
    public boolean hasSynced() {
        return synced;
    }

    /** Every cached object. */
    public List<T> list() {
        return new ArrayList<>(cache.values());
    }

    /** One cached object. */
    public Optional<T> get(String namespace, String name) {
        return Optional.ofNullable(cache.get(key(namespace, name)));
    }

    /** Lists and watches again now, as after a lost watch; for components that need a fresh view. */
    public void resync() {
        executor.execute(this::listAndWatch);
    }

    @Override
    public void close() {
        closed = true;
        Watch current = watch;
        if (current != null) {
            current.close();
        }
        executor.shutdownNow();
    }

    private void listAndWatch() {
        if (closed) {
            return;
        }
        Watch previous = watch;
        if (previous != null) {
            watch = null;
            previous.close();
        }
        try {
            KubeList<T> list = client.list(kind, namespace, options);
            replace(list.items);
            synced = true;
            watch = client.watch(kind, namespace, options.from(list.metadata.resourceVersion), new WatchListener<>() {
                @Override
                public void onEvent(WatchEvent<T> event) {
                    apply(event);
                }

                @Override
                public void onClose(ApiException cause) {
                    if (!closed && cause != null) {
                        LOG.debug("Watch of {} ended ({}); listing again", kind, cause.getMessage());
                        retry(0);
                    }
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Cannot list and watch {}: {}; retrying", kind, e.getMessage());
            retry(RETRY_MILLIS);
        }
    }

    private void retry(long delayMillis) {
        if (!closed) {
            try {
                executor.schedule(this::listAndWatch, delayMillis, TimeUnit.MILLISECONDS);
            } catch (RuntimeException rejected) {
                // closed meanwhile
            }
        }
    }

    private synchronized void replace(List<T> items) {
        Map<String, T> fresh = new HashMap<>();
        for (T item : items) {
            fresh.put(key(item), item);
        }
        for (Map.Entry<String, T> entry : fresh.entrySet()) {
            T previous = cache.put(entry.getKey(), entry.getValue());
            if (previous == null) {
                notify(() -> handler.onAdd(entry.getValue()));
            } else if (!Objects.equals(previous.metadata.resourceVersion, entry.getValue().metadata.resourceVersion)) {
                notify(() -> handler.onUpdate(previous, entry.getValue()));
            }
        }
        for (String key : new ArrayList<>(cache.keySet())) {
            if (!fresh.containsKey(key)) {
                T removed = cache.remove(key);
                notify(() -> handler.onDelete(removed));
            }
        }
    }

    private synchronized void apply(WatchEvent<T> event) {
        T object = event.object();
        switch (event.type()) {
            case ADDED, MODIFIED -> {
                T previous = cache.put(key(object), object);
                notify(() -> {
                    if (previous == null) {
                        handler.onAdd(object);
                    } else {
                        handler.onUpdate(previous, object);
                    }
                });
            }
            case DELETED -> {
                T removed = cache.remove(key(object));
                if (removed != null) {
                    notify(() -> handler.onDelete(removed));
                }
            }
            default -> {
            }
        }
    }

    private void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.error("Informer handler for {} failed", kind, e);
        }
    }

    private static String key(KubeObject object) {
        return key(object.metadata.namespace, object.metadata.name);
    }

    private static String key(String namespace, String name) {
        return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    }
}
