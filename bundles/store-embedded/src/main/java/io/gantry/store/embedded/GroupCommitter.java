package io.gantry.store.embedded;

import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;

/**
 * Runs the store's writes one at a time on one thread, and makes each batch of them durable with
 * one commit and one sync before any writer of the batch is answered (group commit): a write is
 * acknowledged only once it is on disk, and writers that arrive while a sync runs share the next.
 *
 * <p>The thread is never interrupted: an interrupt during a file operation closes the file.
 * Writes and the sync run under the store's write lock, so readers never see a change that a
 * crash could still take back. Watches get a batch's changes only once it is durable.
 */
final class GroupCommitter {

    /** One write: checks, changes the maps and adds its events; throws before changing anything. */
    interface Write<T> {
        T apply(List<StoreEvent> events);
    }

    private record Pending(Write<?> write, CompletableFuture<Object> done, long queuedNanos) {

        Pending(Write<?> write, CompletableFuture<Object> done) {
            this(write, done, System.nanoTime());
        }
    }

    /**
     * How long a chore waits for a moment without writes before it runs between two batches
     * anyway: under a load that never pauses, housekeeping still gets done.
     */
    private static final long CHORE_PATIENCE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** Put in the write queue to wake the thread for a chore; no write. */
    private static final Pending WAKE = new Pending(events -> null, new CompletableFuture<>(), 0);

    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Queue<Pending> chores = new ConcurrentLinkedQueue<>();
    private final Lock writeLock;
    private final Runnable makeDurable;
    private final Consumer<List<StoreEvent>> publish;
    private final int maxBatch;
    private final Thread thread;
    private volatile StoreException failed;

    GroupCommitter(Lock writeLock, Runnable makeDurable, Consumer<List<StoreEvent>> publish, int maxBatch, String threadName) {
        this.writeLock = writeLock;
        this.makeDurable = makeDurable;
        this.publish = publish;
        this.maxBatch = maxBatch;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs the write and returns its result once it is durable. */
    <T> T submit(Write<T> write) {
        return await(write, queue);
    }

    /**
     * Runs a chore (housekeeping that changes no object: forgetting old changes, compacting the
     * file) in a batch of its own when no write is waiting, or once it has waited
     * {@link #CHORE_PATIENCE_NANOS}; returns its result once it is durable. A write that arrives
     * meanwhile waits for one chore at most, so chores are to be short.
     */
    <T> T submitChore(Write<T> chore) {
        return await(chore, chores);
    }

    @SuppressWarnings("unchecked")
    private <T> T await(Write<T> write, Queue<Pending> into) {
        if (failed != null) {
            throw failed;
        }
        CompletableFuture<Object> done = new CompletableFuture<>();
        into.add(new Pending(write, done));
        if (into != queue) {
            queue.add(WAKE);
        }
        if (failed != null) {
            // stopped while queueing: nobody will run it
            done.completeExceptionally(failed);
        }
        try {
            return (T) done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a write to be stored", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreException store) {
                throw store;
            }
            throw new StoreException("write failed: " + e.getCause(), e.getCause());
        }
    }

    /** Writes and chores waiting (not the batch running). */
    int queued() {
        return (int) queue.stream().filter(pending -> pending != WAKE).count() + chores.size();
    }

    void stop() {
        fail(new StoreException.Unavailable("the embedded storage backend stopped"));
        // Wakes the thread with an empty write rather than an interrupt: an interrupt during a
        // file write closes the store's file channel.
        queue.add(new Pending(events -> null, new CompletableFuture<>()));
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        fail(failed);
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (failed == null) {
            Pending chore = chores.peek();
            if (chore != null && (queue.isEmpty() || System.nanoTime() - chore.queuedNanos() > CHORE_PATIENCE_NANOS)) {
                commit(List.of(chores.poll()));
                continue;
            }
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                // nobody interrupts this thread; stop() wakes it with an empty write
                continue;
            }
            queue.drainTo(batch, maxBatch - 1);
            batch.removeIf(pending -> pending == WAKE);
            if (!batch.isEmpty()) {
                commit(batch);
            }
        }
    }

    private void commit(List<Pending> batch) {
        List<StoreEvent> events = new ArrayList<>();
        Object[] results = new Object[batch.size()];
        RuntimeException[] refusals = new RuntimeException[batch.size()];
        writeLock.lock();
        try {
            for (int i = 0; i < batch.size(); i++) {
                try {
                    results[i] = batch.get(i).write().apply(events);
                } catch (RuntimeException e) {
                    refusals[i] = e;
                }
            }
            makeDurable.run();
        } catch (RuntimeException e) {
            // The disk refused the batch: what is in memory is no longer what is on disk, so the
            // store takes no further writes.
            StoreException cause = new StoreException("the embedded store cannot write to disk: " + e.getMessage(), e);
            batch.forEach(pending -> pending.done().completeExceptionally(cause));
            fail(new StoreException.Unavailable("the embedded store stopped taking writes after a disk error: " + e.getMessage(), e));
            return;
        } finally {
            writeLock.unlock();
        }
        if (!events.isEmpty()) {
            publish.accept(List.copyOf(events));
        }
        for (int i = 0; i < batch.size(); i++) {
            if (refusals[i] != null) {
                batch.get(i).done().completeExceptionally(refusals[i]);
            } else {
                batch.get(i).done().complete(results[i]);
            }
        }
    }

    private void fail(StoreException cause) {
        if (failed == null) {
            failed = cause;
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        for (Pending chore = chores.poll(); chore != null; chore = chores.poll()) {
            left.add(chore);
        }
        left.removeIf(pending -> pending == WAKE); // shared by every committer, and nobody waits on it
        left.forEach(pending -> pending.done().completeExceptionally(failed));
    }
}
