package io.gantry.apiserver.watch;

import io.gantry.api.client.ApiException;
import io.gantry.api.client.WatchEvent;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One watcher of a {@link WatchCache}: its own bounded queue, filled by the cache's dispatch
 * thread without ever waiting, and its own delivery. The owner either pulls items with
 * {@link #next} (an HTTP watch from its request thread) or gave a {@link WatchSink} that a
 * delivery thread feeds.
 *
 * <p>The events a watch starts with (the replay, or the current objects) are not counted
 * against the queue: they are handed over before any later event.
 */
public final class CacheWatcher implements AutoCloseable {

    /** Wakes a waiting owner once the watch has ended. */
    private static final WatchItem WAKE = WatchItem.event(WatchEvent.Type.ERROR, null, 0);

    private record End(ApiException cause) {
    }

    final WatchRequest request;
    /** Changes at or below this revision are not for this watcher. Guarded by the cache's lock. */
    long floor;
    /** The revision of the last item queued. Guarded by the cache's lock (or the catch-up's thread before it is shared). */
    long lastRevision;
    /** False while a private catch-up watch feeds it. Guarded by the cache's lock. */
    boolean shared;
    ScheduledFuture<?> bookmarks;
    /** Run once when the watch ends; stops a catch-up watch. */
    volatile Runnable onEnd;

    private final ResourceCache cache;
    private final Deque<WatchItem> initial;
    private final BlockingQueue<WatchItem> queue;
    private final WatchSink sink;
    private final Executor deliveries;
    private final AtomicBoolean delivering = new AtomicBoolean();
    private volatile End end;
    /** Touched by the owner's thread (pull) or the one delivery running (push) only. */
    private boolean finished;

    CacheWatcher(ResourceCache cache, WatchRequest request, long floor, List<WatchItem> initial, int queueSize,
                 WatchSink sink, Executor deliveries) {
        this.cache = cache;
        this.request = request;
        this.floor = floor;
        this.lastRevision = floor;
        this.initial = new ArrayDeque<>(initial);
        this.queue = new LinkedBlockingQueue<>(queueSize);
        this.sink = sink;
        this.deliveries = deliveries;
    }

    /**
     * The next item, waiting up to the timeout: null when nothing came, or when the watch is over.
     * The last item of a watch the cache ended is an ERROR carrying the Status (410 Expired when
     * the watcher fell behind or the storage was reset: the client lists again).
     */
    public WatchItem next(long timeout, TimeUnit unit) throws InterruptedException {
        if (sink != null) {
            throw new IllegalStateException("this watcher delivers to its sink");
        }
        WatchItem item = take(timeout, unit);
        if (item == WAKE) {
            ApiException cause = end.cause();
            return cause == null ? null : WatchItem.error(cause);
        }
        return item;
    }

    /** True once the watch is over, closed by its owner or ended by the cache. */
    public boolean isEnded() {
        return end != null;
    }

    /** Stops the watch; a sink is told with {@code onClose(null)}. */
    @Override
    public void close() {
        cache.remove(this);
        end(null);
    }

    /**
     * Queues an item without waiting; false when the queue is full. Called under the cache's lock,
     * or by the private catch-up watch's thread before the watcher is shared.
     */
    boolean offer(WatchItem item) {
        if (!enqueue(item)) {
            return false;
        }
        signal();
        return true;
    }

    /** As {@link #offer}, but the caller calls {@link #signal} (after leaving the cache's lock). */
    boolean enqueue(WatchItem item) {
        if (end != null) {
            return true;
        }
        if (!queue.offer(item)) {
            return false;
        }
        lastRevision = Math.max(lastRevision, item.revision());
        return true;
    }

    /** True if a sink is fed by the delivery pool, so that queued items need a {@link #signal}. */
    boolean hasSink() {
        return sink != null;
    }

    /** Ends the watch once; later calls change nothing. */
    void end(ApiException cause) {
        synchronized (this) {
            if (end != null) {
                return;
            }
            end = new End(cause);
        }
        if (bookmarks != null) {
            bookmarks.cancel(false);
        }
        Runnable stop = onEnd;
        if (stop != null) {
            stop.run();
        }
        queue.clear();
        queue.offer(WAKE);
        signal();
    }

    /** Starts a delivery to the sink unless one is running. */
    void signal() {
        if (sink != null && delivering.compareAndSet(false, true)) {
            try {
                deliveries.execute(this::deliver);
            } catch (RejectedExecutionException shutDown) {
                delivering.set(false);
            }
        }
    }

    private void deliver() {
        while (true) {
            WatchItem item;
            try {
                while ((item = take(0, TimeUnit.NANOSECONDS)) != null) {
                    if (item == WAKE) {
                        sink.onClose(end.cause());
                        return; // delivering stays set: nothing is delivered after the end
                    }
                    sink.onEvent(item);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                delivering.set(false);
                return;
            }
            delivering.set(false);
            if (queue.isEmpty() && initial.isEmpty() || !delivering.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private WatchItem take(long timeout, TimeUnit unit) throws InterruptedException {
        if (finished) {
            return null;
        }
        WatchItem item;
        if (end != null) {
            item = WAKE;
        } else if (!initial.isEmpty()) {
            item = initial.poll();
        } else {
            item = timeout == 0 ? queue.poll() : queue.poll(timeout, unit);
            if (item == null) {
                return null;
            }
            if (end != null) {
                item = WAKE;
            }
        }
        if (item == WAKE) {
            finished = true;
        }
        return item;
    }

    @Override
    public String toString() {
        return "watcher of " + request.keyPrefix() + " after " + floor;
    }
}
