package io.gantry.api.client;

import io.gantry.api.meta.v1.KubeList;
import io.gantry.api.meta.v1.KubeObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local cache of one kind of object, fed by list then watch, as client-go's informers are:
 * components read from it instead of polling the API. Get the one shared per kind from the
 * {@link SharedInformers} service (an {@link Informers} outside OSGi); construct one only for a
 * private, filtered view (a kubelet's own pods).
 *
 * <p>The cache never goes backwards: an event whose resourceVersion is not newer than the cached
 * object's is dropped, and no event of a watch the informer has left behind (after a 410, a lost
 * connection or {@link #resync}) is applied once it lists again. When the watch ends it lists
 * again and tells the handlers what changed meanwhile.
 *
 * <p>Each handler is called from a thread of its own, one call at a time, in the order of the
 * changes: a slow handler delays only itself. Cached objects are shared: treat them as read-only
 * and copy ({@code Json.copy}) before changing one.
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

        /** A handler that does the same for an added, an updated (the current object) and a deleted object. */
        static <T> Handler<T> onEvery(Consumer<? super T> action) {
            return new Handler<>() {
                @Override
                public void onAdd(T object) {
                    action.accept(object);
                }

                @Override
                public void onUpdate(T previous, T current) {
                    action.accept(current);
                }

                @Override
                public void onDelete(T object) {
                    action.accept(object);
                }
            };
        }
    }

    /** A handler's registration; closing it stops its calls. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private final ApiClient client;
    private final ResourceKind<T> kind;
    private final String namespace;
    private final ListOptions options;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean started = new AtomicBoolean();
    private final Map<String, T> cache = new ConcurrentHashMap<>();
    private final List<HandlerQueue<T>> handlers = new CopyOnWriteArrayList<>();
    /** Guards the cache's changes, the indexer, the generation and the watch. */
    private final Object lock = new Object();
    private final Indexer<T> indexer = new Indexer<>();
    /** Bumped before every list: events of a watch of an older generation are not applied. */
    private long generation;
    private Watch watch;
    private boolean shared;
    private volatile boolean synced;
    private volatile boolean closed;

    /**
     * An informer of one namespace (null for all) and selectors; not started.
     *
     * @param handler told about changes, or null (see {@link #addHandler})
     */
    public Informer(ApiClient client, ResourceKind<T> kind, String namespace, ListOptions options, Handler<T> handler) {
        this.client = client;
        this.kind = kind;
        this.namespace = namespace;
        this.options = options == null ? ListOptions.ALL : options;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "gantry-informer-" + kind.plural());
            thread.setDaemon(true);
            return thread;
        });
        Indexes.defaults(kind).forEach(this::addIndex);
        if (handler != null) {
            addHandler(handler);
        }
    }

    /** Starts the first list and watch in the background; once only. */
    public Informer<T> start() {
        if (started.compareAndSet(false, true)) {
            executor.execute(this::listAndWatch);
        }
        return this;
    }

    public ResourceKind<T> kind() {
        return kind;
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

    /**
     * The cached objects under a value of an index: {@code byIndex(Indexes.NODE_NAME, "node-1")}.
     *
     * @throws IllegalArgumentException if there is no such index
     */
    public List<T> byIndex(String index, String value) {
        synchronized (lock) {
            List<T> found = new ArrayList<>();
            for (String key : indexer.keys(index, value)) {
                T object = cache.get(key);
                if (object != null) {
                    found.add(object);
                }
            }
            return found;
        }
    }

    /**
     * Adds an index: the function gives the values an object is found under. The objects already
     * cached are indexed at once. Indexes are shared by every user of a shared informer, so name
     * one after what it indexes ({@code spec.schedulerName}); a name taken by the same index
     * again is ignored.
     *
     * @return false if an index of that name exists
     */
    public boolean addIndex(String name, Function<? super T, ? extends Collection<String>> values) {
        synchronized (lock) {
            if (indexer.has(name)) {
                return false;
            }
            indexer.add(name, values, cache);
            return true;
        }
    }

    /**
     * Registers a handler. If the cache holds objects already, the handler is first told about each
     * as an add, so that it sees the same sequence as one registered before the start.
     */
    public Registration addHandler(Handler<? super T> handler) {
        HandlerQueue<T> queue = new HandlerQueue<>(handler, kind);
        synchronized (lock) {
            for (T object : cache.values()) {
                queue.add(object);
            }
            handlers.add(queue);
        }
        return () -> {
            handlers.remove(queue);
            queue.close();
        };
    }

    /** Lists and watches again now, as after a lost watch; for components that need a fresh view. */
    public void resync() {
        if (!closed) {
            executor.execute(this::listAndWatch);
        }
    }

    /**
     * Stops this informer.
     *
     * @throws IllegalStateException for a shared informer: its {@link Informers} closes it
     */
    @Override
    public void close() {
        if (shared) {
            throw new IllegalStateException("the shared informer of " + kind + " is closed by its Informers;"
                    + " close your handler's registration instead");
        }
        shutdown();
    }

    /** Marks this informer as owned by a factory. */
    Informer<T> share() {
        shared = true;
        return this;
    }

    void shutdown() {
        Watch current;
        synchronized (lock) {
            closed = true;
            generation++;
            current = watch;
            watch = null;
        }
        if (current != null) {
            current.close();
        }
        executor.shutdownNow();
        handlers.forEach(HandlerQueue::close);
    }

    private void listAndWatch() {
        long current;
        Watch previous;
        synchronized (lock) {
            if (closed) {
                return;
            }
            // From here on, nothing the previous watch still delivers is applied: the list supersedes it.
            current = ++generation;
            previous = watch;
            watch = null;
        }
        if (previous != null) {
            previous.close();
        }
        try {
            KubeList<T> list = client.list(kind, namespace, options);
            if (!replace(current, list.items, list.metadata.resourceVersion)) {
                return;
            }
            Watch opened = client.watch(kind, namespace, options.from(list.metadata.resourceVersion), new WatchListener<>() {
                @Override
                public void onEvent(WatchEvent<T> event) {
                    apply(current, event);
                }

                @Override
                public void onClose(ApiException cause) {
                    if (isCurrent(current)) {
                        LOG.debug("Watch of {} ended ({}); listing again", kind, cause == null ? "by the server" : cause.getMessage());
                        retry(0);
                    }
                }
            });
            boolean stale;
            synchronized (lock) {
                stale = current != generation;
                if (!stale) {
                    watch = opened;
                }
            }
            if (stale) {
                opened.close();
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot list and watch {}: {}; retrying", kind, e.getMessage());
            retry(RETRY_MILLIS);
        }
    }

    private boolean isCurrent(long watchGeneration) {
        synchronized (lock) {
            return !closed && watchGeneration == generation;
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

    /**
     * Makes the cache the listed objects, telling the handlers what changed. An object cached at a
     * later version than listed stays (the list was served from a lagging cache).
     *
     * @return false if a later list or the close overtook this one
     */
    private boolean replace(long listGeneration, List<T> items, String listVersion) {
        synchronized (lock) {
            if (closed || listGeneration != generation) {
                return false;
            }
            Map<String, T> fresh = new HashMap<>();
            for (T item : items) {
                fresh.put(key(item), item);
            }
            for (Map.Entry<String, T> entry : fresh.entrySet()) {
                T previous = cache.get(entry.getKey());
                if (previous == null || isNewer(entry.getValue(), previous)) {
                    store(entry.getKey(), previous, entry.getValue());
                }
            }
            for (Map.Entry<String, T> entry : new ArrayList<>(cache.entrySet())) {
                if (!fresh.containsKey(entry.getKey()) && !isNewer(entry.getValue().metadata.resourceVersion, listVersion)) {
                    store(entry.getKey(), entry.getValue(), null);
                }
            }
            synced = true;
            return true;
        }
    }

    private void apply(long watchGeneration, WatchEvent<T> event) {
        T object = event.object();
        synchronized (lock) {
            if (closed || watchGeneration != generation) {
                return; // an event of a watch left behind: the list that replaced it is newer
            }
            switch (event.type()) {
                case ADDED, MODIFIED -> {
                    String key = key(object);
                    T previous = cache.get(key);
                    if (previous == null || isNewer(object, previous)) {
                        store(key, previous, object);
                    }
                }
                case DELETED -> {
                    String key = key(object);
                    T previous = cache.get(key);
                    if (previous != null && !isNewer(previous, object)) {
                        store(key, previous, null);
                    }
                }
                default -> {
                }
            }
        }
    }

    /** Puts (or, for null, removes) one object, updates the indexes and queues the handlers' calls. Under the lock. */
    private void store(String key, T previous, T current) {
        if (current == null) {
            cache.remove(key);
        } else {
            cache.put(key, current);
        }
        indexer.update(key, previous, current);
        for (HandlerQueue<T> handler : handlers) {
            if (current == null) {
                handler.delete(previous);
            } else if (previous == null) {
                handler.add(current);
            } else {
                handler.update(previous, current);
            }
        }
    }

    /** True if the first object is at a later resourceVersion than the second (or either is unknown). */
    private static boolean isNewer(KubeObject candidate, KubeObject cached) {
        return isNewer(candidate.metadata.resourceVersion, cached.metadata.resourceVersion);
    }

    private static boolean isNewer(String candidate, String cached) {
        try {
            return Long.parseLong(candidate) > Long.parseLong(cached);
        } catch (NumberFormatException | NullPointerException e) {
            return true; // not comparable: trust the newer event
        }
    }

    private static String key(KubeObject object) {
        return key(object.metadata.namespace, object.metadata.name);
    }

    private static String key(String namespace, String name) {
        return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    }

    /** One handler's calls, in order, on a thread of its own. */
    private static final class HandlerQueue<T> {
        private final Handler<? super T> handler;
        private final ResourceKind<?> kind;
        private final ExecutorService calls;

        HandlerQueue(Handler<? super T> handler, ResourceKind<?> kind) {
            this.handler = handler;
            this.kind = kind;
            this.calls = Executors.newSingleThreadExecutor(r -> {
                Thread thread = new Thread(r, "gantry-informer-" + kind.plural() + "-handler");
                thread.setDaemon(true);
                return thread;
            });
        }

        void add(T object) {
            call(() -> handler.onAdd(object));
        }

        void update(T previous, T current) {
            call(() -> handler.onUpdate(previous, current));
        }

        void delete(T object) {
            call(() -> handler.onDelete(object));
        }

        void close() {
            calls.shutdownNow();
        }

        private void call(Runnable call) {
            try {
                calls.execute(() -> {
                    try {
                        call.run();
                    } catch (RuntimeException e) {
                        LOG.error("Informer handler for {} failed", kind, e);
                    }
                });
            } catch (RuntimeException rejected) {
                // the handler's registration was closed
            }
        }
    }
}
