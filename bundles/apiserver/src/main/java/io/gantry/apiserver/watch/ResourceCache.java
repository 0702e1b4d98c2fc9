package io.gantry.apiserver.watch;

import io.gantry.api.client.ApiException;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoreWatchListener;
import io.gantry.api.store.StoredEntry;
import io.gantry.api.store.StoredPage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch cache of one resource prefix: one store watch, the current objects, the recent
 * changes, and the watchers. A dispatch thread of its own takes the store's events (the store's
 * thread only queues them), decodes each once, and hands it to every watcher's queue.
 *
 * <p>Invariant: {@code state} is the store under the prefix at revision {@code head};
 * {@code history} holds every change in ({@code windowStart}, {@code head}], in order. Both, the
 * watcher set and every watcher's queue change only under {@code lock}. So a watcher registered
 * under the lock at head H, given the changes after its start revision up to H as its initial
 * items, then gets every change after H from the dispatch, which runs under the same lock: each
 * change once, in order, none missed. A start revision above the head (the store is ahead of this
 * prefix's last change) is the watcher's floor: changes up to it are skipped, the client has them.
 * A start revision below {@code windowStart} is no longer known here: 410 Expired, the client lists
 * again, as with kube-apiserver's watch cache.
 */
final class ResourceCache {

    private static final Logger LOG = LoggerFactory.getLogger(ResourceCache.class);
    private static final long FRESHNESS_POLL_MILLIS = 50;

    final String prefix;
    final StorageBackend backend;
    private final WatchCache.Options options;
    private final ScheduledExecutorService ticker;
    private final Executor deliveries;
    private final Object lock = new Object();
    private final TreeMap<String, Change> state = new TreeMap<>();
    private final ArrayDeque<Change> history = new ArrayDeque<>();
    private final Set<CacheWatcher> watchers = new LinkedHashSet<>();
    private final BlockingQueue<Object> incoming = new LinkedBlockingQueue<>();
    private final Thread dispatcher;
    private long head;
    private long windowStart;
    private WatchItem lastBookmark;
    private StoreWatch storeWatch;
    private volatile boolean stopped;

    private ResourceCache(String prefix, StorageBackend backend, WatchCache.Options options,
                          ScheduledExecutorService ticker, Executor deliveries) {
        this.prefix = prefix;
        this.backend = backend;
        this.options = options;
        this.ticker = ticker;
        this.deliveries = deliveries;
        this.dispatcher = new Thread(this::dispatch, "gantry-watch" + prefix.replace('/', '-'));
        this.dispatcher.setDaemon(true);
    }

    /** Lists the prefix and watches the store from the revision of that list. */
    static ResourceCache start(String prefix, StorageBackend backend, WatchCache.Options options,
                               ScheduledExecutorService ticker, Executor deliveries) {
        ResourceCache cache = new ResourceCache(prefix, backend, options, ticker, deliveries);
        StoredPage page = backend.list(prefix);
        for (StoredEntry entry : page.entries()) {
            cache.state.put(entry.key(), Change.listed(entry));
        }
        cache.head = page.revision();
        cache.windowStart = page.revision();
        cache.storeWatch = backend.watch(prefix, page.revision(), new StoreWatchListener() {
            @Override
            public void onEvent(StoreEvent event) {
                cache.incoming.add(event);
            }

            @Override
            public void onClose(StoreException cause) {
                if (cause != null) {
                    cache.incoming.add(cause);
                }
            }
        });
        cache.dispatcher.start();
        LOG.debug("Watch cache of {} started at revision {} with {} objects", prefix, page.revision(), page.entries().size());
        return cache;
    }

    boolean isStopped() {
        return stopped;
    }

    /**
     * Waits until this cache or the store has reached a revision, at most the configured time.
     *
     * @return false if neither did in time
     */
    boolean awaitRevision(long revision, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (lock) {
            while (head < revision && !stopped) {
                // The store's revision is global: a later change of another resource counts too.
                if (backend.currentRevision() >= revision) {
                    return true;
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.min(left, FRESHNESS_POLL_MILLIS));
            }
            return true;
        }
    }

    /**
     * Registers a watcher, with the changes after its start revision as its first items.
     *
     * @return null if this cache was stopped meanwhile
     * @throws ApiException 410 Expired if the start revision is older than this cache's window
     */
    CacheWatcher subscribe(WatchRequest request, WatchSink sink) {
        CacheWatcher watcher;
        synchronized (lock) {
            if (stopped) {
                return null;
            }
            long start = request.startRevision();
            List<WatchItem> initial = new ArrayList<>();
            if (start <= 0) {
                for (Map.Entry<String, Change> entry : state.tailMap(request.keyPrefix(), true).entrySet()) {
                    if (!entry.getKey().startsWith(request.keyPrefix())) {
                        break;
                    }
                    Change change = entry.getValue();
                    if (request.sees(change.key, change.object)) {
                        initial.add(change.item(WatchEvent.Type.ADDED));
                    }
                }
            } else if (start < windowStart) {
                throw ApiException.expired("too old resource version: " + start + " (" + windowStart + ")");
            } else {
                for (Change change : history) {
                    if (change.revision > start) {
                        WatchItem item = change.itemFor(request);
                        if (item != null) {
                            initial.add(item);
                        }
                    }
                }
            }
            watcher = new CacheWatcher(this, request, Math.max(start, head), initial, options.queueSize(), sink, deliveries);
            watchers.add(watcher);
            Duration interval = request.bookmarkInterval();
            if (interval != null) {
                long millis = Math.max(1, interval.toMillis());
                watcher.bookmarks = ticker.scheduleAtFixedRate(() -> bookmark(watcher), millis, millis, TimeUnit.MILLISECONDS);
            }
        }
        watcher.signal();
        return watcher;
    }

    void remove(CacheWatcher watcher) {
        synchronized (lock) {
            watchers.remove(watcher);
        }
    }

    int watcherCount() {
        synchronized (lock) {
            return watchers.size();
        }
    }

    /** Stops the store watch and ends every watcher, each with the reason given for it. */
    void stop(Function<CacheWatcher, ApiException> reason) {
        List<CacheWatcher> ended;
        synchronized (lock) {
            if (stopped) {
                return;
            }
            stopped = true;
            ended = new ArrayList<>(watchers);
            watchers.clear();
            lock.notifyAll();
        }
        dispatcher.interrupt();
        try {
            storeWatch.close();
        } catch (RuntimeException e) {
            LOG.debug("Closing the store watch of {} failed: {}", prefix, e.getMessage());
        }
        for (CacheWatcher watcher : ended) {
            watcher.end(reason.apply(watcher));
        }
    }

    /** Sends a bookmark at the latest revision this watcher is known to be complete at. */
    private void bookmark(CacheWatcher watcher) {
        synchronized (lock) {
            if (stopped || watcher.isEnded()) {
                return;
            }
            long revision = Math.max(head, watcher.lastRevision);
            WatchRequest request = watcher.request;
            WatchItem item = lastBookmark;
            if (item == null || item.revision() != revision
                    || !item.object().get("kind").asText().equals(request.kind())
                    || !item.object().get("apiVersion").asText().equals(request.apiVersion())) {
                item = WatchItem.bookmark(request.kind(), request.apiVersion(), revision);
                lastBookmark = item;
            }
            // A bookmark is a courtesy: a full queue is ended by the next change, not by this.
            watcher.offer(item);
        }
    }

    private void dispatch() {
        try {
            while (!stopped) {
                Object next = incoming.take();
                if (next instanceof StoreException failure) {
                    LOG.warn("The store watch of {} ended: {}; its watchers list again", prefix, failure.getMessage());
                    stop(w -> ApiException.expired("too old resource version: " + w.lastRevision
                            + " (the storage watch ended: " + failure.getMessage() + ")"));
                    return;
                }
                apply((StoreEvent) next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Decodes one change (outside the lock: this thread is the only one that changes state), then fans it out. */
    private void apply(StoreEvent event) {
        if (event.revision() <= head) {
            return;
        }
        Change change;
        try {
            change = Change.of(event, state.get(event.entry().key()));
        } catch (RuntimeException e) {
            LOG.error("Watch cache of {}: cannot decode the change at revision {}", prefix, event.revision(), e);
            return;
        }
        List<CacheWatcher> behind = new ArrayList<>();
        synchronized (lock) {
            if (change.deleted) {
                state.remove(change.key);
            } else {
                state.put(change.key, change);
            }
            history.addLast(change);
            while (history.size() > options.historySize()) {
                windowStart = history.removeFirst().revision;
            }
            head = change.revision;
            for (CacheWatcher watcher : watchers) {
                if (change.revision > watcher.floor) {
                    WatchItem item = change.itemFor(watcher.request);
                    if (item != null && !watcher.offer(item)) {
                        behind.add(watcher);
                    }
                }
            }
            watchers.removeAll(behind);
            lock.notifyAll();
        }
        for (CacheWatcher watcher : behind) {
            LOG.debug("Ending {}: its queue of {} is full", watcher, options.queueSize());
            watcher.end(ApiException.expired("too old resource version: " + watcher.lastRevision + " (" + change.revision + ")"));
        }
    }
}
