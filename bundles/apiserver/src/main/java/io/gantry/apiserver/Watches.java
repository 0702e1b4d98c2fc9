package io.gantry.apiserver;

import io.gantry.api.client.ApiException;
import io.gantry.api.store.StorageBackend;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.watch.CacheWatcher;
import io.gantry.apiserver.watch.StoredView;
import io.gantry.apiserver.watch.WatchCache;
import io.gantry.apiserver.watch.WatchRequest;
import io.gantry.apiserver.watch.WatchSink;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * API watches of any kind, through the shared {@link WatchCache}: from a resourceVersion (every
 * later change, once, in order) or from now with the current objects first as ADDED, filtered
 * by the watch's selectors with Kubernetes' rules (an object that starts matching is ADDED for
 * that watcher, one that stops is DELETED).
 */
public class Watches implements AutoCloseable {

    private final WatchCache cache;

    public Watches(Supplier<StorageBackend> backend) {
        this.cache = new WatchCache(backend, WatchCache.Options.DEFAULTS);
    }

    /** A watcher that pushes to a sink (in-process watches). */
    public CacheWatcher push(KindStrategy kind, String namespace, Selection selection, String resourceVersion,
                             WatchSink sink) {
        return push(kind, namespace, selection, resourceVersion, null, sink);
    }

    /** A watcher that pushes to a sink, with BOOKMARK items at an interval (null for none). */
    public CacheWatcher push(KindStrategy kind, String namespace, Selection selection, String resourceVersion,
                             Duration bookmarks, WatchSink sink) {
        return cache.watch(request(kind, namespace, selection, resourceVersion, bookmarks), sink);
    }

    /**
     * Starts the cache of each kind now rather than with its first watcher. A cache that starts
     * lazily holds changes only from its start, so a selector watch from the revision of a list
     * made before it (an informer's first watch) would be told 410 and list again; started early,
     * the window covers every list made since.
     *
     * @return the number of caches running or started
     * @throws io.gantry.api.client.ApiException 503 if no storage backend is in use
     */
    public int start(Iterable<KindStrategy> kinds) {
        int started = 0;
        for (KindStrategy kind : kinds) {
            cache.start(ResourceStore.prefix(kind, null), view(kind));
            started++;
        }
        return started;
    }

    /** Ends every watch with 410 Expired, so that clients relist (the backend changed). */
    public void reset() {
        cache.reset();
    }

    @Override
    public void close() {
        cache.close();
    }

    private static WatchRequest request(KindStrategy kind, String namespace, Selection selection,
                                        String resourceVersion, Duration bookmarks) {
        long start = resourceVersion == null || resourceVersion.isEmpty() ? 0 : parseVersion(resourceVersion);
        WatchRequest request = WatchRequest.of(ResourceStore.prefix(kind, null), kind.kind().kind(),
                        kind.kind().apiVersion(), start)
                .withKeyPrefix(ResourceStore.prefix(kind, namespace));
        if (kind.storedElsewhere()) {
            request = request.withView(view(kind));
        }
        if (!selection.isEmpty()) {
            request = request.withPredicate(selection);
        }
        return bookmarks == null ? request : request.withBookmarks(bookmarks);
    }

    /** How the watchers of a kind see what is stored under its prefix. */
    private static StoredView view(KindStrategy kind) {
        return kind.storedElsewhere() ? new StoredView(kind.kind().qualifiedName(), kind::fromStorage) : StoredView.AS_STORED;
    }

    static long parseVersion(String version) {
        try {
            long parsed = Long.parseLong(version);
            if (parsed < 0) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid resource version \"" + version + "\": must be a number");
        }
    }
}
