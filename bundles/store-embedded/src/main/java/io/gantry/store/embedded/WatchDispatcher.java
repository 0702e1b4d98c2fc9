package io.gantry.store.embedded;

import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoreWatchListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the store's watches: changes that are already on disk are replayed from the change log,
 * later ones are handed over by the committer once they are durable.
 *
 * <p>Invariant: {@code position} is the revision of the last change delivered to every registered
 * watch, and every change after it is either in the delivery queue or not yet committed. A new
 * watch replays the log from its revision up to {@code position} and registers under the lock the
 * delivery thread holds, so it sees each later change exactly once, in order.
 */
final class WatchDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(WatchDispatcher.class);

    /** The durable changes in a revision range, for replay. */
    interface History {

        /** The highest forgotten revision; a watch must start at or after it. */
        long compactedRevision();

        /** Sends the changes with {@code after < revision <= upTo}, in order. */
        void replay(long after, long upTo, Consumer<StoreEvent> sink);
    }

    private final History history;
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private final ExecutorService delivery;
    private long position;

    WatchDispatcher(History history, long position, String threadName) {
        this.history = history;
        this.position = position;
        this.delivery = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener) {
        Watcher watcher = new Watcher(prefix, afterRevision, listener);
        synchronized (lock) {
            long compacted = history.compactedRevision();
            if (afterRevision < compacted) {
                throw new StoreException.Compacted(afterRevision, compacted + 1);
            }
            if (afterRevision < position) {
                history.replay(afterRevision, position, watcher::deliver);
            }
            watchers.add(watcher);
        }
        return watcher;
    }

    /** Hands over durable changes, in revision order. */
    void publish(List<StoreEvent> events) {
        submit(() -> {
            synchronized (lock) {
                for (StoreEvent event : events) {
                    for (Watcher watcher : watchers) {
                        watcher.deliver(event);
                    }
                    position = event.revision();
                }
            }
        });
    }

    /** The content was replaced: every open watch must list again, from {@code revision} on. */
    void reset(long revision) {
        submit(() -> {
            synchronized (lock) {
                for (Watcher watcher : watchers) {
                    watcher.end(new StoreException.Compacted(watcher.afterRevision, revision + 1));
                }
                position = revision;
            }
        });
    }

    void stop() {
        delivery.shutdown();
        try {
            delivery.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Watcher watcher : watchers) {
            watcher.end(new StoreException("the embedded storage backend stopped"));
        }
    }

    private void submit(Runnable task) {
        try {
            delivery.execute(task);
        } catch (RejectedExecutionException e) {
            // stopping: the watches are ended by stop()
        }
    }

    private final class Watcher implements StoreWatch {
        private final String prefix;
        private final long afterRevision;
        private final StoreWatchListener listener;
        private volatile boolean open = true;

        Watcher(String prefix, long afterRevision, StoreWatchListener listener) {
            this.prefix = prefix;
            this.afterRevision = afterRevision;
            this.listener = listener;
        }

        void deliver(StoreEvent event) {
            if (open && event.revision() > afterRevision && event.entry().key().startsWith(prefix)) {
                try {
                    listener.onEvent(event);
                } catch (RuntimeException e) {
                    LOG.error("Watch listener failed on revision {}; ending the watch", event.revision(), e);
                    end(new StoreException("watch listener failed: " + e));
                }
            }
        }

        void end(StoreException cause) {
            if (open) {
                open = false;
                watchers.remove(this);
                listener.onClose(cause);
            }
        }

        @Override
        public void close() {
            end(null);
        }
    }
}
