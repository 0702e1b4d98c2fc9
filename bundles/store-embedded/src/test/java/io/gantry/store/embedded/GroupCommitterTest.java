package io.gantry.store.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The committer's order: writes in batches, chores only between them. */
class GroupCommitterTest {

    private final List<String> ran = new CopyOnWriteArrayList<>();
    private final GroupCommitter committer = new GroupCommitter(new ReentrantLock(), () -> ran.add("sync"), events -> {
    }, 1000, "test-commit");

    @AfterEach
    void stop() {
        committer.stop();
    }

    @Test
    void aChoreWaitsForTheWritesQueuedBeforeItAndRunsInABatchOfItsOwn() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Object> first = CompletableFuture.supplyAsync(() -> committer.submit(events -> {
            holding.countDown();
            await(release);
            ran.add("write 1");
            return null;
        }));
        holding.await(10, TimeUnit.SECONDS);
        CompletableFuture<Object> chore = CompletableFuture.supplyAsync(() -> committer.submitChore(events -> ran.add("chore")));
        CompletableFuture<Object> second = CompletableFuture.supplyAsync(() -> committer.submit(events -> ran.add("write 2")));
        // both are queued behind the first write, which holds the thread
        org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> committer.queued() == 2);
        release.countDown();

        CompletableFuture.allOf(first, chore, second).get(10, TimeUnit.SECONDS);

        assertEquals(List.of("write 1", "sync", "write 2", "sync", "chore", "sync"), ran);
    }

    @Test
    void aChoreRunsUnderWritesThatNeverPause() throws Exception {
        // one write per batch and four writers: the queue is never empty
        GroupCommitter busy = new GroupCommitter(new ReentrantLock(), () -> { }, events -> { }, 1, "test-busy");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        Thread[] writers = new Thread[4];
        try {
            for (int i = 0; i < writers.length; i++) {
                writers[i] = new Thread(() -> {
                    while (writing.get()) {
                        busy.submit(events -> {
                            sleep(1); // each write takes a while
                            return writes.incrementAndGet();
                        });
                    }
                });
                writers[i].start();
            }
            org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> writes.get() > 50);

            CompletableFuture<Object> chore = CompletableFuture.supplyAsync(() -> busy.submitChore(events -> "done"));

            assertEquals("done", chore.get(10, TimeUnit.SECONDS)); // waiting for a pause, it would wait for ever
        } finally {
            writing.set(false);
            for (Thread writer : writers) {
                writer.join(10_000);
            }
            busy.stop();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
