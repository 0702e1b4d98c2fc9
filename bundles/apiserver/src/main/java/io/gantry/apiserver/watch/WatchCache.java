package io.gantry.apiserver.watch;

import io.gantry.api.Daemons;
import io.gantry.api.client.ApiException;
import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StoreException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * The API server's watch fan-out, above any {@link StorageBackend}: one store watch per resource
 * prefix, shared by every watcher of that resource, each store change decoded once and each
 * watch line encoded at most once, whatever the number of watchers.
 *
 * <p>Every watcher has its own bounded queue and its own delivery: a slow one never delays the
 * others, and one whose queue is full is ended with 410 Expired (it lists again). A start
 * revision older than what the cache holds is 410 Expired too; one the store has not reached is
 * waited for briefly, then 504 "Too large resource version", both as kube-apiserver answers.
 * {@link #reset} ends every watcher with 410, for a swap of the storage backend.
 *
 * <p>A resource's cache starts with its first watcher (or {@link #start}) by listing the prefix
 * and watching the store from the revision of that list; see {@link ResourceCache} for the
 * invariant that makes every watcher get every change after its start revision exactly once.
 */
public final class WatchCache implements AutoCloseable {

    /**
     * Sizes and waits.
     *
     * @param queueSize    events a watcher may have pending before it is ended with 410
     * @param historySize  recent changes kept per resource, from which a watcher starting at an
     *                     older revision is replayed
     * @param tooLargeWait how long a watch from a revision the store has not reached waits
     */
    public record Options(int queueSize, int historySize, Duration tooLargeWait) {

        /** kube-apiserver waits up to 3 s for a revision it has not seen. */
        public static final Options DEFAULTS = new Options(1000, 10_000, Duration.ofSeconds(3));

        public Options {
            if (queueSize < 1 || historySize < 1) {
                throw new IllegalArgumentException("queueSize and historySize must be positive");
            }
        }
    }

    private final Supplier<StorageBackend> backend;
    private final Options options;
    private final Map<String, ResourceCache> caches = new HashMap<>();
    private final ScheduledExecutorService ticker;
    private final ExecutorService deliveries;
    private boolean closed;

    /**
     * @param backend the storage backend in use, asked again whenever a resource's cache
     *                (re)starts; it may throw an {@link ApiException} (503) when none is installed
     */
    public WatchCache(Supplier<StorageBackend> backend, Options options) {
        this.backend = backend;
        this.options = options;
        this.ticker = Executors.newSingleThreadScheduledExecutor(Daemons.threads("gantry-watch-bookmarks"));
        this.deliveries = Executors.newCachedThreadPool(Daemons.threads("gantry-watch-delivery"));
    }

    /**
     * Opens a watch whose items its owner pulls with {@link CacheWatcher#next}, as an HTTP
     * watch does from its request thread.
     *
     * @throws ApiException 410 Expired if the start revision is compacted away, 504 Timeout if
     *                      the store does not reach it within the configured wait
     */
    public CacheWatcher watch(WatchRequest request) {
        return open(request, null);
    }

    /** Opens a watch whose items are handed to a sink, on a delivery thread of this watcher's own. */
    public CacheWatcher watch(WatchRequest request, WatchSink sink) {
        return open(request, sink);
    }

    /** Starts a resource's cache now rather than with its first watcher, so early watches find a window. */
    public void start(String resourcePrefix) {
        start(resourcePrefix, StoredView.AS_STORED);
    }

    /** Starts the cache of one view of a resource now. */
    public void start(String resourcePrefix, StoredView view) {
        cache(resourcePrefix, view);
    }

    /**
     * Ends every watcher with 410 Expired and forgets every resource's cache; the next watch
     * starts on the backend the supplier gives then. For a swap of the storage backend.
     */
    public void reset() {
        List<ResourceCache> stopped;
        synchronized (this) {
            stopped = List.copyOf(caches.values());
            caches.clear();
        }
        for (ResourceCache cache : stopped) {
            cache.stop(w -> ApiException.expired("too old resource version: " + w.lastRevision
                    + " (the storage backend changed: list again)"));
        }
    }

    /** The number of open watchers of a resource, as stored. */
    public int watchers(String resourcePrefix) {
        ResourceCache cache;
        synchronized (this) {
            cache = caches.get(resourcePrefix);
        }
        return cache == null ? 0 : cache.watcherCount();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        reset();
        ticker.shutdownNow();
        deliveries.shutdown();
    }

    private CacheWatcher open(WatchRequest request, WatchSink sink) {
        long start = request.startRevision();
        for (int attempt = 0; ; attempt++) {
            ResourceCache cache = cache(request.resourcePrefix(), request.view());
            try {
                if (start > 0 && !cache.awaitRevision(start, options.tooLargeWait())) {
                    throw ApiException.tooLargeResourceVersion(start, cache.backend.currentRevision());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiException.unavailable("the watch was interrupted while waiting for revision " + start);
            }
            CacheWatcher watcher = cache.subscribe(request, sink);
            if (watcher != null) {
                return watcher;
            }
            if (attempt > 0) {
                // Reset twice in a row: the storage is being swapped; the client tries again.
                throw ApiException.expired("too old resource version: " + start + " (the storage backend changed: list again)");
            }
        }
    }

    private synchronized ResourceCache cache(String prefix, StoredView view) {
        if (closed) {
            throw ApiException.unavailable("the API server is stopping");
        }
        String key = view.cacheKey(prefix);
        ResourceCache cache = caches.get(key);
        if (cache == null || cache.isStopped()) {
            StorageBackend store = backend.get();
            if (store == null) {
                throw ApiException.unavailable("no storage backend is in use");
            }
            try {
                cache = ResourceCache.start(prefix, view, store, options, ticker, deliveries);
            } catch (StoreException.Compacted e) {
                // Compacted between the list and the watch: list once more.
                cache = ResourceCache.start(prefix, view, store, options, ticker, deliveries);
            } catch (StoreException e) {
                throw ApiException.unavailable("cannot watch " + prefix + " in the storage backend: " + e.getMessage());
            }
            caches.put(key, cache);
        }
        return cache;
    }
}
