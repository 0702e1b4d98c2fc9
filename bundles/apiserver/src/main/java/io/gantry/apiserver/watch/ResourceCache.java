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
import java.util.concurrent.RejectedExecutionException;
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
 * <p>Invariant: {@code state} is the store under the prefix at revision {@code head}, and
 * {@code history} holds every change in ({@code windowStart}, {@code head}], in order. These, the
 * watcher set and the filling of every shared watcher's queue change only under {@code lock}. So
 * a watcher registered under the lock at head H, given the changes in (start revision, H] from
 * the history as its first items, then gets every change after H from the dispatch, which runs
 * under the same lock: each change once, in order, none missed. A start revision above the head
 * (the store's revision is global: another resource changed since) becomes the watcher's floor:
 * changes up to it are skipped, the client has them.
 *
 * <p>A start revision below {@code windowStart} (the cache started after it, or its history moved
 * past it) is caught up from the store's own history by a private store watch from that revision,
 * for a watcher without selector (see {@link CatchUp}). Having delivered every change up to some
 * revision r with windowStart &le; r &le; head, it joins under the lock with the changes in
 * (r, head] from the history, so the invariant above holds from then on. A watcher with a
 * selector gets 410 Expired instead and lists again, as with kube-apiserver's watch cache: whether
 * it saw an object before depends on values older than the cache.
 */
final class ResourceCache {

    private static final Logger LOG = LoggerFactory.getLogger(ResourceCache.class);
    private static final long FRESHNESS_POLL_MILLIS = 50;

    final String prefix;
    private final StoredView view;
    final StorageBackend backend;
    private final WatchCache.Options options;
    private final ScheduledExecutorService ticker;
    private final Executor deliveries;
    private final Object lock = new Object();
    private final TreeMap<String, Change> state = new TreeMap<>();
    private final ArrayDeque<Change> history = new ArrayDeque<>();
    private final Set<CacheWatcher> watchers = new LinkedHashSet<>();
    private final Set<CacheWatcher> catchingUp = new LinkedHashSet<>();
    private final BlockingQueue<Object> incoming = new LinkedBlockingQueue<>();
    private final Thread dispatcher;
    private long head;
    private long windowStart;
    private volatile boolean storeWatchEnded;
    private WatchItem lastBookmark;
    private StoreWatch storeWatch;
    private volatile boolean stopped;

    private ResourceCache(String prefix, StoredView view, StorageBackend backend, WatchCache.Options options,
                          ScheduledExecutorService ticker, Executor deliveries) {
        this.prefix = prefix;
        this.view = view;
        this.backend = backend;
        this.options = options;
        this.ticker = ticker;
        this.deliveries = deliveries;
        this.dispatcher = new Thread(this::dispatch, "gantry-watch" + prefix.replace('/', '-'));
        this.dispatcher.setDaemon(true);
    }

    /** Lists the prefix and watches the store from the revision of that list; watchers see the objects in the view. */
    static ResourceCache start(String prefix, StoredView view, StorageBackend backend, WatchCache.Options options,
                               ScheduledExecutorService ticker, Executor deliveries) {
        ResourceCache cache = new ResourceCache(prefix, view, backend, options, ticker, deliveries);
        StoredPage page = backend.list(prefix);
        for (StoredEntry entry : page.entries()) {
            cache.state.put(entry.key(), Change.listed(entry, view));
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
                    cache.storeWatchEnded = true;
                    cache.incoming.add(cause);
                }
            }
        });
        cache.dispatcher.start();
        LOG.debug("Watch cache of {} started at revision {} with {} objects", prefix, page.revision(), page.entries().size());
        return cache;
    }

    /**
     * True once this cache is stopped or about to be: its store watch ended (a backend switch ends
     * it synchronously; the dispatcher stops the cache a moment later), so a cache started now
     * replaces it rather than joining it.
     */
    boolean isStopped() {
        return stopped || storeWatchEnded;
    }

    /**
     * Waits until this cache or the store has reached a revision, at most the configured time.
     *
     * @return false if neither did in time
     */
    boolean awaitRevision(long revision, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            synchronized (lock) {
                if (head >= revision || stopped) {
                    return true;
                }
            }
            // The store's revision is global: a later change of another resource counts too. Asked
            // outside the lock: a store may call this cache's listeners holding its own.
            if (backend.currentRevision() >= revision) {
                return true;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            synchronized (lock) {
                if (head < revision && !stopped) {
                    lock.wait(Math.min(left, FRESHNESS_POLL_MILLIS));
                }
            }
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
        long storeRevision = backend.currentRevision(); // not under the lock: a store may call listeners holding its own
        synchronized (lock) {
            if (stopped) {
                return null;
            }
            long start = request.startRevision();
            if (start > 0 && start < windowStart && request.predicate() == null) {
                // Room for the whole gap the store replays, on top of the usual queue.
                long gap = Math.max(head, storeRevision) - start;
                int room = (int) Math.min(options.queueSize() + gap, Integer.MAX_VALUE);
                watcher = new CacheWatcher(this, request, start, List.of(), room, sink, deliveries);
                catchingUp.add(watcher);
            } else {
                watcher = null;
            }
        }
        if (watcher != null) {
            return catchUp(watcher);
        }
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
                    WatchItem item = entry.getValue().current(request);
                    if (item != null) {
                        initial.add(item);
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
            watcher.shared = true;
            watchers.add(watcher);
            scheduleBookmarks(watcher);
        }
        watcher.signal();
        return watcher;
    }

    private void scheduleBookmarks(CacheWatcher watcher) {
        Duration interval = watcher.request.bookmarkInterval();
        if (interval != null) {
            long millis = Math.max(1, interval.toMillis());
            watcher.bookmarks = ticker.scheduleAtFixedRate(() -> bookmark(watcher), millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Feeds a watcher from a private store watch until it can join the shared one. */
    private CacheWatcher catchUp(CacheWatcher watcher) {
        CatchUp catchUp = new CatchUp(watcher);
        watcher.onEnd = () -> {
            catchUp.stop();
            remove(watcher);
        };
        try {
            catchUp.opened(backend.watch(prefix, watcher.request.startRevision(), catchUp));
        } catch (StoreException.Compacted e) {
            remove(watcher);
            throw ApiException.expired("too old resource version: " + watcher.request.startRevision()
                    + " (" + (e.oldestRevision() - 1) + ")");
        }
        watcher.signal();
        return watcher;
    }

    /**
     * Moves a caught-up watcher to the shared watch, if the history here continues where its
     * private watch is: it has every change up to {@code revision}, and the history holds every
     * change after {@code windowStart}, so the changes in (revision, head] are replayed to it and
     * the later ones dispatched. Called from the private watch's thread, after each change.
     *
     * @return true if the watcher needs its private watch no more
     */
    boolean adopt(CacheWatcher watcher, long revision) {
        synchronized (lock) {
            if (stopped || watcher.isEnded()) {
                return true;
            }
            if (revision < windowStart || revision > head) {
                return false; // behind the history, or ahead of this cache: try again at the next change
            }
            for (Change change : history) {
                if (change.revision > revision) {
                    WatchItem item = change.itemFor(watcher.request);
                    if (item != null && !watcher.offer(item)) {
                        catchingUp.remove(watcher);
                        watcher.end(behind(watcher, head));
                        return true;
                    }
                }
            }
            watcher.floor = head;
            watcher.shared = true;
            catchingUp.remove(watcher);
            watchers.add(watcher);
            scheduleBookmarks(watcher);
            return true;
        }
    }

    void remove(CacheWatcher watcher) {
        synchronized (lock) {
            watchers.remove(watcher);
            catchingUp.remove(watcher);
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
            ended.addAll(catchingUp);
            watchers.clear();
            catchingUp.clear();
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
            if (stopped || watcher.isEnded() || !watcher.shared) {
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
            change = Change.of(event, state.get(event.entry().key()), view);
        } catch (RuntimeException e) {
            LOG.error("Watch cache of {}: cannot decode the change at revision {}", prefix, event.revision(), e);
            return;
        }
        List<CacheWatcher> behind = new ArrayList<>();
        List<CacheWatcher> fed = new ArrayList<>();
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
                    if (item == null) {
                        continue;
                    }
                    if (!watcher.enqueue(item)) {
                        behind.add(watcher);
                    } else if (watcher.hasSink()) {
                        fed.add(watcher);
                    }
                }
            }
            watchers.removeAll(behind);
            change.settle(); // each watcher has its item; later ones decode again
            lock.notifyAll();
        }
        // Starting deliveries may start threads: not while holding up every other watcher's change.
        for (CacheWatcher watcher : fed) {
            watcher.signal();
        }
        for (CacheWatcher watcher : behind) {
            LOG.debug("Ending {}: its queue of {} is full", watcher, options.queueSize());
            watcher.end(behind(watcher, change.revision));
        }
    }

    private ApiException behind(CacheWatcher watcher, long revision) {
        LOG.debug("Ending {}: its queue of {} is full", watcher, options.queueSize());
        return ApiException.expired("too old resource version: " + watcher.lastRevision + " (" + revision + ")");
    }

    /**
     * A private store watch from a start revision older than the cache's history. It decodes for
     * its one watcher (no selector: every change under the key prefix, typed by the store event)
     * and hands the watcher to the shared watch at the first change where the history continues
     * it; until then the watcher's queue may hold the whole gap.
     */
    private final class CatchUp implements StoreWatchListener {
        private final CacheWatcher watcher;
        private StoreWatch storeWatch;
        private boolean done;

        CatchUp(CacheWatcher watcher) {
            this.watcher = watcher;
        }

        @Override
        public void onEvent(StoreEvent event) {
            synchronized (this) {
                if (done) {
                    return;
                }
            }
            if (event.entry().key().startsWith(watcher.request.keyPrefix())) {
                Change change;
                try {
                    change = Change.of(event, null, view);
                } catch (RuntimeException e) {
                    LOG.error("Watch of {}: cannot decode the change at revision {}", prefix, event.revision(), e);
                    return;
                }
                WatchEvent.Type type = change.deleted ? WatchEvent.Type.DELETED
                        : event.isCreate() ? WatchEvent.Type.ADDED : WatchEvent.Type.MODIFIED;
                if (!watcher.offer(change.item(type))) {
                    watcher.end(behind(watcher, event.revision()));
                    return;
                }
            }
            if (adopt(watcher, event.revision())) {
                stop();
            }
        }

        @Override
        public void onClose(StoreException cause) {
            if (cause != null) {
                watcher.end(ApiException.expired("too old resource version: " + watcher.lastRevision
                        + " (the storage watch ended: " + cause.getMessage() + ")"));
            }
        }

        void opened(StoreWatch opened) {
            boolean close;
            synchronized (this) {
                storeWatch = opened;
                close = done;
            }
            if (close) {
                closeLater(opened);
            }
        }

        void stop() {
            StoreWatch open;
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                open = storeWatch;
            }
            if (open != null) {
                closeLater(open);
            }
        }

        /** Not from inside the store's own callback: a backend may not allow it. */
        private void closeLater(StoreWatch open) {
            try {
                deliveries.execute(open::close);
            } catch (RejectedExecutionException shutDown) {
                open.close();
            }
        }
    }
}
