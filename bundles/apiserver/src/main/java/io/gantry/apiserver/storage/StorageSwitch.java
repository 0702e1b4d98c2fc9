package io.gantry.apiserver.storage;

import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoreWatchListener;
import io.gantry.api.store.StoredPage;
import io.gantry.api.store.migration.Migration;
import io.gantry.api.store.migration.StorageMigrations;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage backends installed, the one in use, and the live migration between them.
 *
 * <p>Writes pass a gate: any number run at once, but a migration closes the gate, waits for the
 * writes in progress, copies a snapshot of the backend in use into the target (with its
 * revisions, see {@link StorageBackend#restore}), switches, and opens the gate again; the writes
 * that waited then go to the new backend. No acknowledged write is lost, since none is
 * acknowledged between the snapshot and the switch. Reads are not gated: during the copy they see
 * the old backend, which nothing changes any more.
 *
 * <p>Watches opened here end with {@link StoreException.Compacted} at the switch, so that their
 * owners list again from the new backend (a 410 for API clients) instead of waiting on the old.
 */
public final class StorageSwitch implements StorageMigrations {

    private static final Logger LOG = LoggerFactory.getLogger(StorageSwitch.class);

    private final Map<String, StorageBackend> installed = new ConcurrentHashMap<>();
    private final Set<TrackedWatch> watches = ConcurrentHashMap.newKeySet();
    // fair, so that a waiting migration is not starved by a steady stream of writes
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock(true);
    private final Duration writeWait;
    private final Object migrating = new Object();
    private volatile String inUse;
    private volatile Migration last;

    /**
     * @param inUse the backend's plugin name to use (from configuration)
     * @param writeWait how long a write may wait for a migration before it is refused as
     *     unavailable, and a migration for the writes in progress
     */
    public StorageSwitch(String inUse, Duration writeWait) {
        this.inUse = inUse;
        this.writeWait = writeWait;
    }

    /** A backend was installed (its {@code gantry.plugin} name). */
    public void add(String name, StorageBackend backend) {
        installed.put(name, backend);
        LOG.info("Storage backend '{}' available{}", name, name.equals(inUse) ? " and in use" : "");
    }

    /** A backend was uninstalled; if it was in use, the store is unavailable until it is back. */
    public void remove(String name, StorageBackend backend) {
        if (installed.remove(name, backend) && name.equals(inUse)) {
            LOG.warn("Storage backend '{}' in use was removed: the API answers 503 until it is back", name);
        }
    }

    @Override
    public Set<String> installed() {
        return new TreeSet<>(installed.keySet());
    }

    @Override
    public String inUse() {
        return inUse;
    }

    /**
     * Uses another backend without copying anything (at start, or when the operator knows the
     * target already holds the state). Use {@link #migrate} to move the state with it.
     */
    public void select(String name) {
        gate.writeLock().lock();
        try {
            if (!name.equals(inUse)) {
                LOG.info("Storage backend '{}' selected (was '{}'), without migration", name, inUse);
                inUse = name;
                endWatches(null);
            }
        } finally {
            gate.writeLock().unlock();
        }
    }

    /**
     * The backend in use, for reads and watches. Look it up for every operation and keep no
     * reference: a migration may switch it.
     *
     * @throws StoreException.Unavailable if it is not installed
     */
    public StorageBackend current() {
        StorageBackend backend = installed.get(inUse);
        if (backend == null) {
            throw new StoreException.Unavailable("the storage backend '" + inUse + "' is not installed (installed: "
                    + String.join(", ", installed()) + "); install its feature or change 'storage' in io.gantry.apiserver.cfg");
        }
        return backend;
    }

    /**
     * Runs a write on the backend in use, through the gate: it waits while a migration copies,
     * then goes to whichever backend is in use by then.
     *
     * @throws StoreException.Unavailable if a migration holds the gate longer than the write may wait
     */
    public <T> T write(Function<StorageBackend, T> operation) {
        boolean entered;
        try {
            entered = gate.readLock().tryLock(writeWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable("interrupted before the write was made", e);
        }
        if (!entered) {
            throw new StoreException.Unavailable("the cluster state is being migrated to another storage backend; try again");
        }
        try {
            return operation.apply(current());
        } finally {
            gate.readLock().unlock();
        }
    }

    /**
     * Watches the backend in use. The watch ends with {@link StoreException.Compacted} when a
     * migration or selection switches the backend.
     */
    public StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener) {
        gate.readLock().lock(); // no switch between choosing the backend and registering the watch
        try {
            TrackedWatch tracked = new TrackedWatch(afterRevision, listener);
            tracked.inner = current().watch(prefix, afterRevision, tracked);
            watches.add(tracked);
            return tracked;
        } finally {
            gate.readLock().unlock();
        }
    }

    @Override
    public Optional<Migration> lastMigration() {
        return Optional.ofNullable(last);
    }

    /**
     * Moves the cluster state to another installed backend and uses it from then on; returns
     * when it is done or has failed (then the source stays in use and nothing is lost).
     *
     * @param progress told of each step, for the shell
     */
    @Override
    public Migration migrate(String target, Consumer<Migration> progress) {
        synchronized (migrating) {
            String source = inUse;
            Migration migration = new Migration(source, target, Migration.State.GATING, 0, 0,
                    "waiting for the writes in progress", Instant.now(), null);
            StorageBackend from = installed.get(source);
            StorageBackend to = installed.get(target);
            String refusal = target.equals(source) ? "'" + target + "' is already in use"
                    : to == null ? "the storage backend '" + target + "' is not installed (installed: " + String.join(", ", installed()) + ")"
                    : from == null ? "the storage backend in use, '" + source + "', is not installed: there is nothing to copy"
                    : null;
            if (refusal != null) {
                return report(migration.next(Migration.State.FAILED, 0, 0, refusal), progress);
            }
            report(migration, progress);
            try {
                if (!gate.writeLock().tryLock(writeWait.toMillis(), TimeUnit.MILLISECONDS)) {
                    return report(migration.next(Migration.State.FAILED, 0, 0,
                            "the writes in progress did not finish within " + writeWait.toSeconds() + " s"), progress);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return report(migration.next(Migration.State.FAILED, 0, 0, "interrupted"), progress);
            }
            try {
                StoredPage snapshot = from.snapshot();
                int objects = snapshot.entries().size();
                report(migration = migration.next(Migration.State.COPYING, objects, snapshot.revision(),
                        "copying " + objects + " objects at revision " + snapshot.revision()), progress);
                to.restore(snapshot);
                int copied = to.list("").entries().size();
                if (copied != objects) {
                    throw new StoreException(target + " holds " + copied + " objects after the copy, not " + objects);
                }
                inUse = target;
                long revision = to.currentRevision();
                endWatches(new StoreException.Compacted(snapshot.revision(), to.compactedRevision() + 1));
                return report(migration.next(Migration.State.DONE, objects, revision, "moved " + objects
                        + " objects from " + source + " to " + target + "; revisions go on from " + revision), progress);
            } catch (RuntimeException e) {
                LOG.error("Storage migration from {} to {} failed; {} stays in use", source, target, source, e);
                return report(migration.next(Migration.State.FAILED, migration.objects(), migration.revision(),
                        "copy failed, " + source + " stays in use: " + e.getMessage()), progress);
            } finally {
                gate.writeLock().unlock();
            }
        }
    }

    private Migration report(Migration migration, Consumer<Migration> progress) {
        last = migration;
        LOG.info("Storage migration {} -> {}: {}", migration.source(), migration.target(), migration.message());
        progress.accept(migration);
        return migration;
    }

    private void endWatches(StoreException cause) {
        for (TrackedWatch watch : watches) {
            watch.end(cause == null ? new StoreException.Compacted(watch.afterRevision, 0) : cause);
        }
    }

    /** A watch on the backend in use, ended here when the backend changes. */
    private final class TrackedWatch implements StoreWatch, StoreWatchListener {
        private final long afterRevision;
        private final StoreWatchListener listener;
        private final AtomicBoolean open = new AtomicBoolean(true);
        private volatile StoreWatch inner;

        TrackedWatch(long afterRevision, StoreWatchListener listener) {
            this.afterRevision = afterRevision;
            this.listener = listener;
        }

        @Override
        public void onEvent(StoreEvent event) {
            if (open.get()) {
                listener.onEvent(event);
            }
        }

        @Override
        public void onClose(StoreException cause) {
            if (open.compareAndSet(true, false)) {
                watches.remove(this);
                listener.onClose(cause);
            }
        }

        void end(StoreException cause) {
            if (open.compareAndSet(true, false)) {
                watches.remove(this);
                StoreWatch backendWatch = inner;
                if (backendWatch != null) {
                    backendWatch.close(); // its onClose is no longer passed on
                }
                listener.onClose(cause);
            }
        }

        @Override
        public void close() {
            end(null);
        }
    }
}
