package io.gantry.store.embedded;

import io.gantry.api.Daemons;
import io.gantry.api.Plugins;
import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoreWatchListener;
import io.gantry.api.store.StoredEntry;
import io.gantry.api.store.StoredPage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster state on the local disk, in one H2 MVStore file: it survives the restart of the node.
 *
 * <p>The file holds three maps: the objects by key, the change log by revision (the watch
 * history, compacted by size and age), and the revision counters. A write changes all three and
 * is then made durable with one MVStore commit and an fsync, before it is acknowledged; writers
 * that arrive during a sync share the next one ({@link GroupCommitter}). A write and its event are
 * therefore one commit: a crash keeps both or neither, and loses nothing acknowledged.
 */
@Component(service = StorageBackend.class, property = Plugins.NAME + "=embedded", configurationPid = EmbeddedStore.PID)
@Designate(ocd = EmbeddedStore.Config.class)
public class EmbeddedStore implements StorageBackend {

    public static final String PID = "io.gantry.store.embedded";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStore.class);
    private static final String FILE = "gantry-store.mv.db";
    private static final String REVISION = "revision";
    private static final String COMPACTED = "compacted";
    private static final int READERS = 4;
    private static final int FILL_RATE = 80;
    /*
     * Housekeeping runs on the committer's thread in steps of these sizes, each a chore of its
     * own that runs when no write is waiting, so that a write waits for one step at most. In one
     * turn, forgetting a minute of changes at 1,000 writes/s (some 40,000 keys) and rewriting
     * 16 MB held every write for about half a second once a minute: the p99 of creates at 1,000/s
     * was 110-500 ms in the runs that met it. Steps of 500 changes and 1 MB, queued with the
     * writes, took 2.8 ms (at most 11) and 7.2 ms (at most 26): the p99 of the runs they fell in
     * was 12-15 ms against 6 ms without (benchmarks/README.md, api-open).
     */
    private static final int FORGET_STEP = 100;
    private static final int COMPACT_STEP_BYTES = 128 << 10;
    private static final int COMPACT_STEPS = 128;

    @ObjectClassDefinition(name = "Gantry embedded store", description = "Cluster state on the local disk (H2 MVStore)")
    public @interface Config {

        @AttributeDefinition(description = "Folder of the store's file; empty: ${karaf.data}/gantry/store")
        String dataFolder() default "";

        @AttributeDefinition(description = "Share one fsync among the writes that arrive while one runs;"
                + " false: one commit and fsync per write. Either way a write is on disk before it is acknowledged")
        boolean groupCommit() default true;

        @AttributeDefinition(description = "Changes kept for watches; older ones are compacted away"
                + " (a watch from before them gets 410 Expired and lists again)")
        int watchHistory() default 20000;

        @AttributeDefinition(description = "Minutes a change is kept for watches at most")
        int watchHistoryMinutes() default 60;

        @AttributeDefinition(description = "Seconds between compactions of the change log")
        int compactionIntervalSeconds() default 60;

        @AttributeDefinition(description = "Megabytes of H2's page cache: each page written enters it; smaller,"
                + " less for the collector to copy and more pages read from the file")
        int cacheSizeMb() default 16;
    }

    private final Path file;
    private final MVStore store;
    private final MVMap<String, Records.Stored> objects;
    private final MVMap<Long, Records.Change> changes;
    private final MVMap<String, Long> counters;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final WatchDispatcher dispatcher;
    private final GroupCommitter committer;
    private final ExecutorService readers;
    private final ScheduledExecutorService compactor;
    private final int watchHistory;
    private final long watchHistoryMillis;
    // Written by the committer under the write lock, read under the read lock.
    private volatile long revision;
    private volatile long compacted;
    // The revision on disk: what readers outside the lock may see.
    private volatile long durableRevision;

    @Activate
    public EmbeddedStore(Config config) {
        Path folder = folder(config.dataFolder());
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new StoreException("cannot create the embedded store's folder " + folder + ": " + e.getMessage(), e);
        }
        this.file = folder.resolve(FILE);
        // Auto-commit off: only a whole write may reach the file, never half of one.
        this.store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled()
                .cacheSize(Math.max(1, config.cacheSizeMb())).open();
        // Every commit is fsynced before the next one starts, so the space of chunks without live
        // data can be reused at once instead of after the default 45 s (which grows the file by
        // every write of that window).
        store.setRetentionTime(0);
        this.objects = store.openMap("objects",
                new MVMap.Builder<String, Records.Stored>().valueType(Records.StoredType.INSTANCE));
        this.changes = store.openMap("changes",
                new MVMap.Builder<Long, Records.Change>().valueType(Records.ChangeType.INSTANCE));
        this.counters = store.openMap("counters");
        this.revision = counters.getOrDefault(REVISION, 0L);
        this.compacted = counters.getOrDefault(COMPACTED, 0L);
        this.durableRevision = revision;
        this.watchHistory = Math.max(1, config.watchHistory());
        this.watchHistoryMillis = TimeUnit.MINUTES.toMillis(Math.max(1, config.watchHistoryMinutes()));
        this.dispatcher = new WatchDispatcher(new ChangeLog(), revision, "gantry-store-embedded-watch");
        this.committer = new GroupCommitter(lock.writeLock(), this::makeDurable, dispatcher::publish,
                config.groupCommit() ? 1000 : 1, "gantry-store-embedded-commit");
        this.readers = Executors.newFixedThreadPool(READERS, Daemons.threads("gantry-store-embedded-read"));
        this.compactor = Executors.newSingleThreadScheduledExecutor(Daemons.threads("gantry-store-embedded-compaction"));
        int interval = Math.max(1, config.compactionIntervalSeconds());
        compactor.scheduleWithFixedDelay(this::compactHistory, interval, interval, TimeUnit.SECONDS);
        LOG.info("Embedded store at {}: revision {}, {} objects", file, revision, objects.size());
    }

    @Deactivate
    void deactivate() {
        // No shutdownNow: interrupts close the file (see read).
        compactor.shutdown();
        committer.stop();
        dispatcher.stop();
        readers.shutdown();
        lock.writeLock().lock();
        try {
            store.close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static Path folder(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured);
        }
        return Paths.get(System.getProperty("karaf.data", "data"), "gantry", "store");
    }

    /** The size of H2's page cache. */
    int cacheSizeMb() {
        return store.getCacheSize();
    }

    @Override
    public long currentRevision() {
        return durableRevision;
    }

    @Override
    public Optional<StoredEntry> get(String key) {
        return read(() -> entry(key));
    }

    /**
     * Does not wait for the sync a batch of writes may be in: MVStore's maps take reads beside
     * their writer (the version read is registered, as H2's transactions do, so that its chunks
     * are not reused under the reader), and the write decided on this read joins a later batch,
     * so it is durable only if what it read is. Every create checked its namespace with a
     * {@link #get}, which waited for the sync under way before its own (benchmarks/README.md,
     * api-open).
     */
    @Override
    public Optional<StoredEntry> getToDecideWrite(String key) {
        return readBesideWrites(() -> entry(key));
    }

    /** The entry at a key in the map as it is now; for a reader that chose what it may see. */
    private Optional<StoredEntry> entry(String key) {
        return Optional.ofNullable(objects.get(key)).map(record -> record.entry(key));
    }

    /** Runs a read that may see changes not yet durable, without waiting for a sync under way. */
    private <T> T readBesideWrites(Supplier<T> operation) {
        return onReader(() -> {
            MVStore.TxCounter version = store.registerVersionUsage();
            try {
                return operation.get();
            } finally {
                store.deregisterVersionUsage(version);
            }
        });
    }

    @Override
    public StoredPage list(String prefix) {
        return read(() -> {
            List<StoredEntry> entries = new ArrayList<>();
            Cursor<String, Records.Stored> cursor = objects.cursor(prefix);
            while (cursor.hasNext()) {
                String key = cursor.next();
                if (!key.startsWith(prefix)) {
                    break;
                }
                entries.add(cursor.getValue().entry(key));
            }
            return new StoredPage(entries, revision);
        });
    }

    @Override
    public StoredEntry create(String key, byte[] value) {
        return committer.submit(events -> {
            if (objects.containsKey(key)) {
                throw new StoreException.KeyExists(key);
            }
            long next = revision + 1;
            return put(new StoredEntry(key, value, next, next), events);
        });
    }

    @Override
    public StoredEntry update(String key, byte[] value, long expectedModRevision) {
        return committer.submit(events -> {
            StoredEntry current = current(key, expectedModRevision);
            return put(new StoredEntry(key, value, current.createRevision(), revision + 1), events);
        });
    }

    @Override
    public StoredEntry delete(String key, long expectedModRevision) {
        return committer.submit(events -> {
            StoredEntry current = current(key, expectedModRevision);
            StoredEntry deleted = new StoredEntry(key, current.value(), current.createRevision(), revision + 1);
            objects.remove(key);
            record(new StoreEvent(StoreEvent.Type.DELETE, deleted), events);
            return deleted;
        });
    }

    @Override
    public StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener) {
        return dispatcher.watch(prefix, afterRevision, listener);
    }

    @Override
    public long compactedRevision() {
        return compacted;
    }

    @Override
    public void compact(long upTo) {
        forgetChangesInSteps(upTo);
    }

    /** Forgets the changes up to {@code upTo} (at most the current revision), a step per committer turn. */
    private void forgetChangesInSteps(long upTo) {
        while (committer.submitChore(events -> forgetChanges(Math.min(upTo, revision), FORGET_STEP))) {
            // more to forget: the next step, after the writes that queued meanwhile
        }
    }

    @Override
    public StoredPage snapshot() {
        return read(() -> {
            List<StoredEntry> entries = new ArrayList<>();
            for (Iterator<String> keys = objects.keyIterator(null); keys.hasNext(); ) {
                String key = keys.next();
                entries.add(objects.get(key).entry(key));
            }
            return new StoredPage(entries, revision);
        });
    }

    @Override
    public void restore(StoredPage snapshot) {
        committer.submit(events -> {
            // Entries keep their revisions: the counter only moves up, past every restored one.
            long top = Math.max(revision, snapshot.revision());
            for (StoredEntry entry : snapshot.entries()) {
                top = Math.max(top, entry.modRevision());
            }
            objects.clear();
            changes.clear();
            for (StoredEntry entry : snapshot.entries()) {
                objects.put(entry.key(), Records.Stored.of(entry));
            }
            revision = top;
            compacted = top;
            counters.put(REVISION, top);
            counters.put(COMPACTED, top);
            // Writes earlier in this batch were replaced with everything else: their events are
            // not sent, and the watches end here, in order with the changes before and after.
            events.clear();
            dispatcher.reset(top);
            return null;
        });
    }

    private StoredEntry current(String key, long expectedModRevision) {
        Records.Stored record = objects.get(key);
        if (record == null) {
            throw new StoreException.KeyNotFound(key);
        }
        StoredEntry current = record.entry(key);
        if (expectedModRevision != 0 && current.modRevision() != expectedModRevision) {
            throw new StoreException.Conflict(key, expectedModRevision, current.modRevision());
        }
        return current;
    }

    private StoredEntry put(StoredEntry entry, List<StoreEvent> events) {
        objects.put(entry.key(), Records.Stored.of(entry));
        record(new StoreEvent(StoreEvent.Type.PUT, entry), events);
        return entry;
    }

    /** Appends the change to the log and takes its revision; the caller has changed the object. */
    private void record(StoreEvent event, List<StoreEvent> events) {
        changes.put(event.revision(), Records.Change.of(event, System.currentTimeMillis()));
        counters.put(REVISION, event.revision());
        revision = event.revision();
        events.add(event);
    }

    private void makeDurable() {
        store.commit();
        store.sync();
        durableRevision = revision;
    }

    /**
     * Forgets up to {@code limit} of the oldest changes at or below {@code upTo}; true when more
     * remain. A watch from a forgotten revision is answered "expired".
     */
    private boolean forgetChanges(long upTo, int limit) {
        if (upTo <= compacted) {
            return false;
        }
        long forgotten = compacted;
        int removed = 0;
        for (Iterator<Long> keys = changes.keyIterator(null); keys.hasNext(); ) {
            long key = keys.next();
            if (key > upTo) {
                break;
            }
            if (removed == limit) {
                setCompacted(forgotten);
                return true;
            }
            changes.remove(key);
            forgotten = key;
            removed++;
        }
        setCompacted(upTo);
        return false;
    }

    private void setCompacted(long upTo) {
        compacted = Math.max(compacted, upTo);
        counters.put(COMPACTED, compacted);
    }

    /** Forgets the changes beyond the newest {@code watchHistory} or older than the age limit. */
    private void compactHistory() {
        try {
            long bySize = revision - watchHistory;
            long cutoff = System.currentTimeMillis() - watchHistoryMillis;
            // beside the writes: the read lock would hold them for the whole scan
            long byAge = readBesideWrites(() -> {
                long last = 0;
                Cursor<Long, Records.Change> cursor = changes.cursor(Math.max(bySize, compacted) + 1);
                while (cursor.hasNext()) {
                    long key = cursor.next();
                    if (cursor.getValue().time() >= cutoff) {
                        break;
                    }
                    last = key;
                }
                return last;
            });
            long upTo = Math.max(bySize, byAge);
            forgetChangesInSteps(upTo);
            // Rewrite the live pages of chunks that are mostly garbage, so their space is freed:
            // without auto-commit MVStore does no such housekeeping of its own.
            for (int step = 0; step < COMPACT_STEPS && committer.submitChore(events -> store.compact(FILL_RATE, COMPACT_STEP_BYTES));
                    step++) {
                // rewrote something: there may be more
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot compact the embedded store's change log", e);
        }
    }

    /**
     * Runs a read under the read lock, which a batch of writes holds until it is durable: a read
     * sees no change a crash could still take back.
     */
    private <T> T read(Supplier<T> operation) {
        return onReader(() -> {
            lock.readLock().lock();
            try {
                return operation.get();
            } finally {
                lock.readLock().unlock();
            }
        });
    }

    /**
     * Runs a read on the store's own reader threads: an interrupt of a thread inside a file read
     * closes the store's file channel, and callers' threads (an HTTP server's) may be interrupted.
     */
    private <T> T onReader(Supplier<T> operation) {
        Future<T> result;
        try {
            result = readers.submit(operation::get);
        } catch (RejectedExecutionException e) {
            throw new StoreException.Unavailable("the embedded storage backend stopped");
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while reading the embedded store", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreException store) {
                throw store;
            }
            throw new StoreException("cannot read the embedded store: " + e.getCause(), e.getCause());
        }
    }

    /** The change log as the dispatcher replays it. */
    private final class ChangeLog implements WatchDispatcher.History {

        @Override
        public long compactedRevision() {
            return compacted;
        }

        @Override
        public void replay(long after, long upTo, Consumer<StoreEvent> sink) {
            List<StoreEvent> found = read(() -> {
                if (after < compacted) {
                    // compacted since the dispatcher looked
                    throw new StoreException.Compacted(after, compacted + 1);
                }
                List<StoreEvent> events = new ArrayList<>();
                Cursor<Long, Records.Change> cursor = changes.cursor(after + 1);
                while (cursor.hasNext()) {
                    long key = cursor.next();
                    if (key > upTo) {
                        break;
                    }
                    events.add(cursor.getValue().event(key));
                }
                return events;
            });
            found.forEach(sink);
        }
    }

    @Override
    public String toString() {
        return "embedded store at " + file;
    }
}
