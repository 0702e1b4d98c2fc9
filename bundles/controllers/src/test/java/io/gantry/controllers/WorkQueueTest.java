package io.gantry.controllers;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

    @Test
    void aKeyQueuedManyTimesBeforeAWorkerTakesItIsReconciledOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> seen = new CopyOnWriteArrayList<>();
        try (WorkQueue queue = new WorkQueue("test", 1, key -> {
            if (key.equals("block")) {
                release.await();
            }
            seen.add(key);
        })) {
            queue.add("block");
            await().atMost(Duration.ofSeconds(5)).until(() -> queue.depth() == 1);
            for (int i = 0; i < 100; i++) {
                queue.add("a");
            }
            queue.add("b");
            release.countDown();

            await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 3);
            assertEquals(List.of("block", "a", "b"), seen);
        }
    }

    @Test
    void aKeyIsNeverReconciledByTwoWorkersAtOnceAndAnAddDuringItsTurnRunsItAgain() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (WorkQueue queue = new WorkQueue("test", 4, key -> {
            if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            if (runs.incrementAndGet() == 1) {
                first.countDown();
                release.await();
            }
            inside.decrementAndGet();
        })) {
            queue.add("a");
            assertTrue(first.await(5, TimeUnit.SECONDS));
            queue.add("a");
            queue.add("a");
            release.countDown();

            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2 && queue.depth() == 0);
            assertEquals(0, overlaps.get());
        }
    }

    @Test
    void aFailedKeyComesBackUntilItSucceeds() {
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        try (WorkQueue queue = new WorkQueue("test", 2, key -> {
            if (attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() < 4) {
                throw new IllegalStateException("not yet");
            }
        })) {
            queue.add("a");

            await().atMost(Duration.ofSeconds(5)).until(() -> attempts.get("a").get() == 4 && queue.depth() == 0);
        }
    }

    @Test
    void addAfterQueuesLater() {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (WorkQueue queue = new WorkQueue("test", 1, seen::add)) {
            queue.addAfter("later", 200);
            assertTrue(seen.isEmpty());

            await().atMost(Duration.ofSeconds(5)).until(() -> seen.equals(List.of("later")));
        }
    }
}
