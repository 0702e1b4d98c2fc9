package io.gantry.store.hazelcast;

import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.ringbuffer.StaleSequenceException;
import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoreWatchListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds every watch of this node from one reader of the change ringbuffer, so that a node has
 * one blocking read in the cluster however many watches it serves.
 *
 * <p>{@code position} is the next sequence the reader will deliver; every sequence before it has
 * been delivered to every registered watch. A new watch replays from its revision up to
 * {@code position} and registers under the same lock the reader delivers under, so that it sees
 * each later change exactly once, in order.
 */
final class WatchDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(WatchDispatcher.class);
    private static final int MAX_BATCH = 500;

    private final Ringbuffer<byte[]> events;
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private final int batch;
    private final Thread reader;
    private volatile boolean running = true;
    private long position;

    WatchDispatcher(Ringbuffer<byte[]> events, String threadName) {
        this.events = events;
        this.position = events.tailSequence() + 1;
        this.batch = (int) Math.min(MAX_BATCH, events.capacity());
        this.reader = new Thread(this::read, threadName);
        reader.setDaemon(true);
        reader.start();
    }

    StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener) {
        Watcher watcher = new Watcher(prefix, afterRevision, listener);
        synchronized (lock) {
            // Changes after revision R start at sequence R (revision = sequence + 1).
            long head = events.headSequence();
            if (afterRevision < head) {
                throw new StoreException.Compacted(afterRevision, head + 1);
            }
            for (long sequence = afterRevision; sequence < position; ) {
                ReadResultSet<byte[]> history = readNow(sequence, (int) Math.min(batch, position - sequence));
                for (byte[] record : history) {
                    watcher.deliver(Records.event(record));
                }
                sequence = history.getNextSequenceToReadFrom();
            }
            watchers.add(watcher);
        }
        return watcher;
    }

    void stop() {
        running = false;
        reader.interrupt();
        for (Watcher watcher : watchers) {
            watcher.end(new StoreException("the hazelcast storage backend stopped"));
        }
    }

    private ReadResultSet<byte[]> readNow(long sequence, int count) {
        try {
            return events.readManyAsync(sequence, 0, count, null).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while reading changes", e);
        } catch (ExecutionException | TimeoutException e) {
            if (e.getCause() instanceof StaleSequenceException stale) {
                throw new StoreException.Compacted(sequence, stale.getHeadSeq() + 1);
            }
            throw new StoreException("cannot read changes from " + (sequence + 1) + ": " + e.getMessage(), e);
        }
    }

    private void read() {
        while (running) {
            try {
                long from;
                synchronized (lock) {
                    from = position;
                }
                // Waits in the cluster for at least one change; stop() interrupts the wait.
                ReadResultSet<byte[]> changes = events.readManyAsync(from, 1, batch, null).toCompletableFuture().get();
                synchronized (lock) {
                    for (byte[] record : changes) {
                        StoreEvent event = Records.event(record);
                        for (Watcher watcher : watchers) {
                            watcher.deliver(event);
                        }
                    }
                    position = changes.getNextSequenceToReadFrom();
                }
            } catch (InterruptedException e) {
                return;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StaleSequenceException stale) {
                    fellBehind(stale.getHeadSeq());
                } else if (e.getCause() instanceof OperationTimeoutException) {
                    // a quiet cluster: the parked read timed out; read again
                } else if (e.getCause() instanceof HazelcastInstanceNotActiveException) {
                    return;
                } else if (running) {
                    LOG.warn("Cannot read cluster changes; retrying: {}", e.getCause().toString());
                    pause();
                }
            } catch (HazelcastInstanceNotActiveException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("Cannot read cluster changes; retrying", e);
                    pause();
                }
            }
        }
    }

    /**
     * The reader lost changes it had not delivered: the watches that needed them must start
     * again from a list; those that start later lose nothing.
     */
    private void fellBehind(long head) {
        synchronized (lock) {
            for (Watcher watcher : watchers) {
                if (watcher.afterRevision < head) {
                    LOG.warn("A watch fell behind the change history; ending it at revision {}", position);
                    watcher.end(new StoreException.Compacted(position, head + 1));
                }
            }
            position = head;
        }
    }

    private void pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
