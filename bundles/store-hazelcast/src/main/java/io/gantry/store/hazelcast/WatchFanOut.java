package io.gantry.store.hazelcast;

import com.hazelcast.core.EntryEventType;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.internal.journal.EventJournalInitialSubscriberState;
import com.hazelcast.internal.journal.EventJournalReader;
import com.hazelcast.map.EventJournalMapEvent;
import com.hazelcast.partition.PartitionAwareKey;
import com.hazelcast.ringbuffer.ReadResultSet;
import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds every watch of this member from one reader of the store partition's event journal: one
 * subscription per member however many watches it serves. Each change is decoded once, kept in a
 * bounded window for watches that start in the past, and offered to every watch's own queue
 * ({@link StoreWatcher}), which a delivery thread drains; the reader never waits for a listener.
 *
 * <p>Invariant: {@code delivered} is the highest revision offered to the registered watches, and
 * the window holds every change above {@code floor} up to it. A new watch replays from the window
 * and registers under the same lock the reader offers under, so it sees each later change
 * exactly once, in revision order. Journal records at or below {@code delivered} are not changes
 * (the re-put records of a restore); removals are not changes (tombstone sweeps).
 *
 * <p>After a member leaves, the journal on the promoted primary may lack changes the dead primary
 * had applied, and this reader may have offered some of them (Hazelcast lets the journal be read
 * before the backup is acknowledged). So every watch is ended with {@link StoreException.Compacted}
 * (its owner relists) and the floor moves to the current revision, which the promoted primary
 * numbers above anything the dead one could have given out (see {@link RevisionClock}).
 */
final class WatchFanOut {

    private static final Logger LOG = LoggerFactory.getLogger(WatchFanOut.class);
    // Well under the default watch queue, so that one batch alone never overflows a healthy watch.
    private static final int BATCH = 256;

    private final EventJournalReader<EventJournalMapEvent<PartitionAwareKey<String, String>, byte[]>> journal;
    private final int partitionId;
    private final int history;
    private final Thread reader;
    private final Object lock = new Object();
    private final ArrayDeque<StoreEvent> window = new ArrayDeque<>();
    private final List<StoreWatcher> watchers = new ArrayList<>();
    private volatile boolean running = true;
    private long floor;
    private long delivered;
    private long restoreEpoch;
    private long position;
    private boolean floorFromNextChange;
    private int generation;

    WatchFanOut(EventJournalReader<EventJournalMapEvent<PartitionAwareKey<String, String>, byte[]>> journal,
            int partitionId, int history, String threadName) {
        this.journal = journal;
        this.partitionId = partitionId;
        this.history = history;
        EventJournalInitialSubscriberState state = await(journal.subscribeToEventJournal(partitionId).toCompletableFuture());
        synchronized (lock) {
            position = state.getOldestSequence();
            // A journal that lost its oldest records can only serve changes after the first one it kept.
            floorFromNextChange = state.getOldestSequence() > 0;
            while (position <= state.getNewestSequence()) {
                ReadResultSet<EventJournalMapEvent<PartitionAwareKey<String, String>, byte[]>> changes = read(position, 0);
                apply(changes);
                if (changes.size() == 0) {
                    break;
                }
            }
        }
        this.reader = new Thread(this::follow, threadName);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Registers a watch after replaying the window's changes above its revision.
     *
     * @throws StoreException.Compacted if the window no longer holds them
     */
    void register(StoreWatcher watcher) {
        synchronized (lock) {
            if (watcher.afterRevision() < floor) {
                throw new StoreException.Compacted(watcher.afterRevision(), floor + 1);
            }
            for (StoreEvent event : window) {
                watcher.replay(event);
            }
            watchers.add(watcher);
        }
    }

    void unregister(StoreWatcher watcher) {
        synchronized (lock) {
            watchers.remove(watcher);
        }
    }

    /** The revision this member's watches must start after. */
    long floor() {
        synchronized (lock) {
            return floor;
        }
    }

    /**
     * A member left: ends every watch and starts again after the journal's current end, at the
     * revision {@code currentRevision} gives once the journal position is taken (every record
     * before that position is at or below it).
     */
    void resync(LongSupplier currentRevision) {
        EventJournalInitialSubscriberState state = await(journal.subscribeToEventJournal(partitionId).toCompletableFuture());
        long revision = currentRevision.getAsLong();
        synchronized (lock) {
            generation++;
            position = state.getNewestSequence() + 1;
            window.clear();
            floor = Math.max(floor, revision);
            delivered = Math.max(delivered, revision);
            endAll(new StoreException.Compacted(floor, floor + 1));
        }
        LOG.info("A cluster member left: ended this member's store watches at revision {} so that they relist", revision);
    }

    void stop() {
        running = false;
        reader.interrupt();
        synchronized (lock) {
            endAll(new StoreException("the hazelcast storage backend stopped"));
        }
    }

    private void follow() {
        while (running) {
            try {
                int readGeneration;
                long from;
                synchronized (lock) {
                    readGeneration = generation;
                    from = position;
                }
                ReadResultSet<EventJournalMapEvent<PartitionAwareKey<String, String>, byte[]>> changes = read(from, 1);
                synchronized (lock) {
                    if (readGeneration == generation) {
                        apply(changes);
                    }
                }
            } catch (StoreException e) {
                if (!running || e.getCause() instanceof HazelcastInstanceNotActiveException) {
                    return;
                }
                if (!(e.getCause() instanceof OperationTimeoutException)) {
                    LOG.warn("Cannot read the store's changes; retrying: {}", e.getMessage());
                    pause();
                }
            } catch (HazelcastInstanceNotActiveException e) {
                return;
            } catch (RuntimeException e) {
                // The reader must outlive any one bad batch: every watch of this member depends on it.
                LOG.error("Failed to hand out the store's changes; retrying", e);
                pause();
            }
        }
    }

    /** Applies a batch read from {@code position}; called under the lock. */
    private void apply(ReadResultSet<EventJournalMapEvent<PartitionAwareKey<String, String>, byte[]>> changes) {
        if (changes.size() > 0 && changes.getSequence(0) > position) {
            // The journal dropped records this reader had not read: the changes in them are lost to watches.
            lostChanges();
        }
        for (int i = 0; i < changes.size(); i++) {
            EventJournalMapEvent<PartitionAwareKey<String, String>, byte[]> change = changes.get(i);
            if (change.getType() == EntryEventType.ADDED || change.getType() == EntryEventType.UPDATED) {
                apply(change.getKey().getKey(), change.getNewValue());
            }
        }
        position = changes.getNextSequenceToReadFrom();
    }

    private void apply(String key, byte[] record) {
        if (Records.kind(record) == Records.META) {
            applyMeta(record);
            return;
        }
        long revision = Records.modRevision(record);
        if (revision <= delivered) {
            return;
        }
        if (floorFromNextChange) {
            floor = Math.max(floor, revision - 1);
            floorFromNextChange = false;
        }
        delivered = revision;
        StoreEvent event = Records.event(key, record);
        window.addLast(event);
        if (window.size() > history) {
            floor = Math.max(floor, window.removeFirst().revision());
        }
        watchers.removeIf(watcher -> !watcher.offer(event));
    }

    private void applyMeta(byte[] meta) {
        long epoch = Records.metaRestoreEpoch(meta);
        if (epoch > restoreEpoch) {
            // A restore replaced the content: the watches opened before it must relist.
            restoreEpoch = epoch;
            long restored = Records.metaRestoreRevision(meta);
            window.clear();
            floor = Math.max(floor, restored);
            delivered = Math.max(delivered, restored);
            List<StoreWatcher> before = watchers.stream().filter(w -> w.restoreEpoch() < epoch).toList();
            watchers.removeAll(before);
            before.forEach(w -> w.end(new StoreException.Compacted(w.afterRevision(), restored + 1)));
        }
        long compacted = Records.metaCompacted(meta);
        if (compacted > floor) {
            floor = compacted;
            while (!window.isEmpty() && window.peekFirst().revision() <= compacted) {
                window.removeFirst();
            }
        }
    }

    private void lostChanges() {
        floorFromNextChange = true;
        window.clear();
        LOG.warn("This member's store watches fell behind the change journal; ending them so that they relist");
        endAll(new StoreException.Compacted(delivered, delivered + 1));
    }

    private void endAll(StoreException cause) {
        List<StoreWatcher> ended = new ArrayList<>(watchers);
        watchers.clear();
        ended.forEach(w -> w.end(cause));
    }

    private ReadResultSet<EventJournalMapEvent<PartitionAwareKey<String, String>, byte[]>> read(long from, int atLeast) {
        return await(journal.<EventJournalMapEvent<PartitionAwareKey<String, String>, byte[]>>readFromEventJournal(
                from, atLeast, BATCH, partitionId, null, null).toCompletableFuture());
    }

    private <T> T await(CompletableFuture<T> future) {
        try {
            // A parked read ends when a change comes or Hazelcast's operation timeout passes.
            return future.get(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new StoreException("interrupted while reading the store's changes", e);
        } catch (ExecutionException | CompletionException e) {
            throw new StoreException("cannot read the store's changes: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new StoreException("no answer from the store's change journal", new OperationTimeoutException(e.getMessage()));
        }
    }

    private void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
