package io.gantry.apiserver.watch;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.WatchListener;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.json.Json;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StoredEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The watch fan-out over a real (in-memory) store, with real threads. */
class WatchCacheTest {

    private static final String PODS = "/registry/pods/";
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private InMemoryStorageBackend store;
    private AtomicReference<StorageBackend> inUse;
    private WatchCache cache;

    @BeforeEach
    void setUp() {
        store = new InMemoryStorageBackend(100_000);
        inUse = new AtomicReference<>(store);
        cache = new WatchCache(inUse::get, new WatchCache.Options(1000, 10_000, Duration.ofMillis(300)));
    }

    @AfterEach
    void tearDown() {
        cache.close();
    }

    @Test
    void everyWatcherGetsEveryChangeOnceAndInOrder() throws Exception {
        long start = store.currentRevision();
        List<Sink> sinks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Sink sink = new Sink();
            cache.watch(request(start), sink);
            sinks.add(sink);
        }
        ExecutorService writers = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int writer = w;
            done.add(writers.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    String key = PODS + "default/w" + writer + "-" + (i % 10);
                    if (store.get(key).isPresent()) {
                        store.update(key, pod("w" + writer + "-" + (i % 10), "i" + i), 0);
                    } else {
                        store.create(key, pod("w" + writer + "-" + (i % 10), "i" + i));
                    }
                }
            }));
        }
        for (Future<?> future : done) {
            future.get(30, TimeUnit.SECONDS);
        }
        writers.shutdown();
        List<Long> expected = new ArrayList<>();
        for (long r = start + 1; r <= store.currentRevision(); r++) {
            expected.add(r);
        }
        for (Sink sink : sinks) {
            await().atMost(DEADLINE).until(() -> sink.items.size() >= expected.size());
            assertEquals(expected, sink.revisions());
        }
        // One decoded object and one event per change, shared by every watcher.
        for (int i = 0; i < expected.size(); i++) {
            assertSame(sinks.get(0).items.get(i), sinks.get(19).items.get(i));
        }
    }

    @Test
    void watchersJoiningDuringWritesGetEveryLaterChangeOnce() throws Exception {
        cache.start(PODS);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<?> writes = writer.submit(() -> {
            for (int i = 0; i < 500; i++) {
                String key = PODS + "default/p" + (i % 7);
                if (store.get(key).isPresent()) {
                    store.update(key, pod("p" + (i % 7), "v" + i), 0);
                } else {
                    store.create(key, pod("p" + (i % 7), "v" + i));
                }
            }
        });
        // Each joins from the revision the store is at, which may be ahead of what the cache has seen.
        List<Long> starts = new ArrayList<>();
        List<Sink> sinks = new ArrayList<>();
        while (sinks.isEmpty() || !writes.isDone() && sinks.size() < 50) {
            long start = Math.max(1, store.currentRevision());
            Sink sink = new Sink();
            cache.watch(request(start), sink);
            starts.add(start);
            sinks.add(sink);
        }
        writes.get(30, TimeUnit.SECONDS);
        writer.shutdown();
        long last = store.currentRevision();
        for (int i = 0; i < sinks.size(); i++) {
            Sink sink = sinks.get(i);
            long start = starts.get(i);
            await().atMost(DEADLINE).until(() -> sink.items.size() >= last - start);
            List<Long> expected = new ArrayList<>();
            for (long r = start + 1; r <= last; r++) {
                expected.add(r);
            }
            assertEquals(expected, sink.revisions(), "watcher from " + start);
        }
    }

    @Test
    void aSlowWatcherDoesNotDelayAFastOneAndIsEndedWith410() throws Exception {
        cache.close();
        cache = new WatchCache(inUse::get, new WatchCache.Options(10, 10_000, Duration.ofMillis(300)));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        Sink slow = new Sink() {
            @Override
            public void onEvent(WatchItem item) {
                super.onEvent(item);
                blocked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Sink fast = new Sink();
        CacheWatcher slowWatcher = cache.watch(request(0), slow);
        cache.watch(request(0), fast);

        store.create(PODS + "default/p", pod("p", "0"));
        assertTrue(blocked.await(30, TimeUnit.SECONDS));
        // Batches of 5, each awaited by the fast watcher: it never has more than 5 pending, the
        // slow one piles up 50 and overflows its queue of 10.
        for (int i = 1; i <= 50; i++) {
            store.update(PODS + "default/p", pod("p", String.valueOf(i)), 0);
            if (i % 5 == 0) {
                int sent = i + 1;
                await().atMost(DEADLINE).until(() -> fast.items.size() == sent);
            }
        }
        assertEquals(51, fast.items.size());
        assertEquals(1, slow.items.size(), "the slow watcher is still in its first event");
        assertTrue(slowWatcher.isEnded(), "its queue of 10 overflowed");
        assertFalse(fast.closed.get() != null);

        release.countDown();
        await().atMost(DEADLINE).until(() -> slow.closed.get() != null);
        ApiException cause = slow.closed.get().orElseThrow();
        assertEquals(410, cause.code());
        assertEquals("Expired", cause.reason());
        assertTrue(cause.getMessage().startsWith("too old resource version: "), cause.getMessage());
        assertEquals(1, cache.watchers(PODS), "the fast one goes on");
        store.update(PODS + "default/p", pod("p", "after"), 0);
        await().atMost(DEADLINE).until(() -> fast.items.size() == 52);
    }

    @Test
    void aPulledWatcherThatFallsBehindGetsAnExpiredErrorAsItsLastItem() throws Exception {
        cache.close();
        cache = new WatchCache(inUse::get, new WatchCache.Options(5, 10_000, Duration.ofMillis(300)));
        CacheWatcher watcher = cache.watch(request(0));
        for (int i = 0; i < 6; i++) {
            store.create(PODS + "default/p" + i, pod("p" + i, "0"));
        }
        await().atMost(DEADLINE).until(watcher::isEnded);
        WatchItem last = watcher.next(1, TimeUnit.SECONDS);
        assertEquals(WatchEvent.Type.ERROR, last.type());
        assertEquals(410, last.object().get("code").asInt());
        assertEquals("Expired", last.object().get("reason").asText());
        assertTrue(new String(last.line(), StandardCharsets.UTF_8).startsWith("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\""));
        assertNull(watcher.next(10, TimeUnit.MILLISECONDS));
    }

    @Test
    void aThousandWatchersOfOneResourceReceiveEachEvent() throws Exception {
        // Each watcher pulls from a thread of its own, as an HTTP watch does from its request thread.
        int watchers = 1000;
        int events = 100;
        long base = store.create("/registry/nodes/n", "{}".getBytes(StandardCharsets.UTF_8)).modRevision();
        long[] written = new long[events + 1];
        long[][] latency = new long[watchers][events + 1];
        int[] received = new int[watchers];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < watchers; i++) {
            int n = i;
            CacheWatcher watcher = cache.watch(request(base));
            Thread thread = new Thread(() -> {
                try {
                    while (received[n] < events) {
                        WatchItem item = watcher.next(30, TimeUnit.SECONDS);
                        if (item == null || item.type() == WatchEvent.Type.ERROR) {
                            return;
                        }
                        int e = (int) (item.revision() - base);
                        latency[n][e] = System.nanoTime() - written[e];
                        received[n]++;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "watcher-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        // One event at a time: the time from the write to each watcher having it.
        for (int e = 1; e <= events; e++) {
            written[e] = System.nanoTime();
            store.create(PODS + "default/p" + e, pod("p" + e, "0"));
            int sent = e;
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(1)).until(() -> everyWatcherHas(received, sent));
        }
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        List<Long> all = new ArrayList<>(watchers * events);
        for (long[] mine : latency) {
            for (int e = 1; e <= events; e++) {
                assertTrue(mine[e] > 0, "every watcher got every event");
                all.add(mine[e]);
            }
        }
        Collections.sort(all);
        System.out.printf("watch delivery to %d watchers, %d events one at a time: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                watchers, events, all.get(all.size() / 2) / 1e6, all.get(all.size() * 99 / 100) / 1e6,
                all.get(all.size() - 1) / 1e6);
    }

    /** Each item's type, revision and object. */
    private static List<String> described(List<WatchItem> items) {
        return items.stream().map(item -> item + " " + item.object()).toList();
    }

    private static synchronized boolean everyWatcherHas(int[] received, int count) {
        for (int n : received) {
            if (n < count) {
                return false;
            }
        }
        return true;
    }

    @Test
    void selectorTransitionsAreAddedAndDeletedForTheWatcher() throws Exception {
        Predicate<ObjectNode> web = o -> "web".equals(o.path("metadata").path("labels").path("app").asText());
        long start = store.create("/registry/nodes/n", "{}".getBytes(StandardCharsets.UTF_8)).modRevision();
        CacheWatcher watcher = cache.watch(request(start).withPredicate(web));
        String key = PODS + "default/p";
        store.create(key, pod("p", "db"));                      // not matching: nothing
        long added = store.update(key, pod("p", "web"), 0).modRevision();       // starts matching
        long modified = store.update(key, podWithImage("p", "web", "v2"), 0).modRevision();
        long left = store.update(key, pod("p", "db"), 0).modRevision();         // stops matching
        store.delete(key, 0);                                   // deleted while not matching: nothing
        store.create(key, pod("p", "web"));
        long deleted = store.delete(key, 0).modRevision();

        List<WatchItem> items = pull(watcher, 5);
        assertEquals(List.of("ADDED@" + added, "MODIFIED@" + modified, "DELETED@" + left, "ADDED@" + (deleted - 1),
                "DELETED@" + deleted), items.stream().map(WatchItem::toString).toList());
        // Leaving the selection: the previous content, at the revision of the change.
        ObjectNode gone = items.get(2).object();
        assertEquals("web", gone.path("metadata").path("labels").path("app").asText());
        assertEquals("v2", gone.path("spec").path("containers").path(0).path("image").asText());
        assertEquals(String.valueOf(left), gone.path("metadata").path("resourceVersion").asText());
        assertNull(watcher.next(50, TimeUnit.MILLISECONDS));

        // A later watcher from the same revision is replayed the same from the cache's history.
        CacheWatcher replayed = cache.watch(request(start).withPredicate(web));
        assertEquals(described(items), described(pull(replayed, 5)));
    }

    @Test
    void aNamespaceWatcherSeesItsNamespaceOnly() throws Exception {
        CacheWatcher watcher = cache.watch(request(0).withKeyPrefix(PODS + "a/"));
        store.create(PODS + "b/x", pod("x", "web"));
        long revision = store.create(PODS + "a/y", pod("y", "web")).modRevision();
        assertEquals(List.of("ADDED@" + revision), pull(watcher, 1).stream().map(WatchItem::toString).toList());
    }

    @Test
    void aWatchWithoutRevisionStartsWithTheCurrentObjectsAsAdded() throws Exception {
        StoredEntry a = store.create(PODS + "default/a", pod("a", "web"));
        StoredEntry b = store.create(PODS + "default/b", pod("b", "web"));
        store.update(PODS + "default/a", pod("a", "db"), 0);
        CacheWatcher watcher = cache.watch(request(0));
        List<WatchItem> items = pull(watcher, 2);
        assertEquals(List.of(WatchEvent.Type.ADDED, WatchEvent.Type.ADDED), items.stream().map(WatchItem::type).toList());
        assertEquals("a", items.get(0).object().path("metadata").path("name").asText());
        assertEquals(String.valueOf(b.modRevision() + 1), items.get(0).object().path("metadata").path("resourceVersion").asText());
        assertEquals(String.valueOf(b.modRevision()), items.get(1).object().path("metadata").path("resourceVersion").asText());
        assertTrue(a.modRevision() < b.modRevision());
    }

    @Test
    void eachWatchLineIsEncodedOnceAndShared() throws Exception {
        CacheWatcher one = cache.watch(request(0));
        CacheWatcher two = cache.watch(request(0));
        long revision = store.create(PODS + "default/p", pod("p", "web")).modRevision();
        WatchItem first = one.next(5, TimeUnit.SECONDS);
        WatchItem second = two.next(5, TimeUnit.SECONDS);
        assertSame(first, second);
        assertSame(first.line(), second.line());
        String line = new String(first.line(), StandardCharsets.UTF_8);
        assertTrue(line.endsWith("}\n"));
        ObjectNode event = (ObjectNode) Json.mapper().readTree(line);
        assertEquals("ADDED", event.get("type").asText());
        assertEquals(String.valueOf(revision), event.path("object").path("metadata").path("resourceVersion").asText());
        assertEquals("p", event.path("object").path("metadata").path("name").asText());
    }

    @Test
    void bookmarksCarryTheLatestRevision() throws Exception {
        long revision = store.create(PODS + "default/p", pod("p", "web")).modRevision();
        CacheWatcher watcher = cache.watch(request(revision).withBookmarks(Duration.ofMillis(50)));
        WatchItem bookmark = watcher.next(5, TimeUnit.SECONDS);
        assertEquals(WatchEvent.Type.BOOKMARK, bookmark.type());
        assertEquals(revision, bookmark.revision());
        assertEquals("{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":"
                + "{\"resourceVersion\":\"" + revision + "\"}}}\n", new String(bookmark.line(), StandardCharsets.UTF_8));
        long later = store.update(PODS + "default/p", pod("p", "db"), 0).modRevision();
        await().atMost(DEADLINE).until(() -> {
            WatchItem item = watcher.next(1, TimeUnit.SECONDS);
            return item != null && item.type() == WatchEvent.Type.BOOKMARK && item.revision() == later;
        });
    }

    @Test
    void aRevisionOfAnotherResourceIsNotTooLarge() throws Exception {
        store.create(PODS + "default/p", pod("p", "web"));
        cache.start(PODS);
        long nodes = store.create("/registry/nodes/n", "{}".getBytes(StandardCharsets.UTF_8)).modRevision();
        CacheWatcher watcher = cache.watch(request(nodes));
        long revision = store.update(PODS + "default/p", pod("p", "db"), 0).modRevision();
        assertEquals(List.of("MODIFIED@" + revision), pull(watcher, 1).stream().map(WatchItem::toString).toList());
    }

    @Test
    void aRevisionTheStoreHasNotReachedIsTooLarge() {
        long current = store.currentRevision();
        ApiException e = assertThrows(ApiException.class, () -> cache.watch(request(current + 5)));
        assertEquals(504, e.code());
        assertEquals("Timeout", e.reason());
        assertEquals("Timeout: Too large resource version: " + (current + 5) + ", current: " + current, e.getMessage());
        assertEquals("ResourceVersionTooLarge", e.status().details.causes.get(0).reason);
        assertEquals(1, e.status().details.retryAfterSeconds);
    }

    @Test
    void aWatchFromTheNextRevisionWaitsForIt() throws Exception {
        long next = store.currentRevision() + 1;
        cache.start(PODS);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        AtomicReference<Thread> thread = new AtomicReference<>();
        Future<CacheWatcher> opened = caller.submit(() -> {
            thread.set(Thread.currentThread());
            return cache.watch(request(next));
        });
        await().atMost(DEADLINE).until(() -> thread.get() != null && thread.get().getState() == Thread.State.TIMED_WAITING);
        store.create(PODS + "default/p", pod("p", "web"));
        CacheWatcher watcher = opened.get(30, TimeUnit.SECONDS);
        long after = store.update(PODS + "default/p", pod("p", "db"), 0).modRevision();
        assertEquals(List.of("MODIFIED@" + after), pull(watcher, 1).stream().map(WatchItem::toString).toList());
        caller.shutdown();
    }

    @Test
    void aRevisionOutsideTheCachedHistoryIsCaughtUpFromTheStoreThenShared() throws Exception {
        cache.close();
        // A queue larger than the write burst below: this is about the handover, not about laggards.
        cache = new WatchCache(inUse::get, new WatchCache.Options(1000, 5, Duration.ofMillis(300)));
        long start = store.create("/registry/nodes/n", "{}".getBytes(StandardCharsets.UTF_8)).modRevision();
        cache.start(PODS);
        for (int i = 0; i < 20; i++) {
            store.create(PODS + "default/p" + i, pod("p" + i, "web"));
        }
        awaitHistoryAt(store.currentRevision());
        // Writes go on while it catches up: the handover to the shared watch loses and repeats nothing.
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<?> writes = writer.submit(() -> {
            for (int i = 0; i < 200; i++) {
                store.update(PODS + "default/p" + (i % 20), pod("p" + (i % 20), "v" + i), 0);
            }
        });
        Sink sink = new Sink();
        cache.watch(request(start), sink);
        writes.get(30, TimeUnit.SECONDS);
        writer.shutdown();
        List<Long> expected = new ArrayList<>();
        for (long r = start + 1; r <= store.currentRevision(); r++) {
            expected.add(r);
        }
        await().atMost(DEADLINE).until(() -> sink.items.size() >= expected.size());
        assertEquals(expected, sink.revisions());
        assertEquals(WatchEvent.Type.ADDED, sink.items.get(0).type());
        assertEquals(WatchEvent.Type.MODIFIED, sink.items.get(20).type());

        long later = store.update(PODS + "default/p0", pod("p0", "later"), 0).modRevision();
        await().atMost(DEADLINE).until(() -> sink.items.size() == expected.size() + 1);
        assertEquals(later, sink.items.get(expected.size()).revision());
        assertEquals(1, cache.watchers(PODS), "it joined the shared watch");
        assertNull(sink.closed.get());
    }

    @Test
    void aWatchFromBeforeTheCacheStartedIsCaughtUp() throws Exception {
        long listed = store.create(PODS + "default/o", pod("o", "web")).modRevision();
        long created = store.create(PODS + "default/p", pod("p", "web")).modRevision();
        long deleted = store.delete(PODS + "default/o", 0).modRevision();
        cache.start(PODS);
        CacheWatcher watcher = cache.watch(request(listed));
        assertEquals(List.of("ADDED@" + created, "DELETED@" + deleted), pull(watcher, 2).stream().map(WatchItem::toString).toList());
        long modified = store.update(PODS + "default/p", pod("p", "db"), 0).modRevision();
        assertEquals(List.of("MODIFIED@" + modified), pull(watcher, 1).stream().map(WatchItem::toString).toList());
    }

    @Test
    void aWatchWithASelectorFromBeforeTheCachedHistoryIsExpired() {
        long before = store.create(PODS + "default/o", pod("o", "web")).modRevision();
        store.create(PODS + "default/p", pod("p", "web"));
        store.create(PODS + "default/q", pod("q", "web"));
        cache.start(PODS);
        ApiException e = assertThrows(ApiException.class,
                () -> cache.watch(request(before).withPredicate(o -> true)));
        assertEquals(410, e.code());
        assertEquals("Expired", e.reason());
        assertEquals("too old resource version: " + before + " (" + (before + 2) + ")", e.getMessage());
    }

    @Test
    void aRevisionTheStoreCompactedIsExpired() {
        store = new InMemoryStorageBackend(5);
        inUse.set(store);
        long first = store.create(PODS + "default/o", pod("o", "web")).modRevision();
        for (int i = 0; i < 10; i++) {
            store.create(PODS + "default/p" + i, pod("p" + i, "web"));
        }
        cache.start(PODS);
        ApiException e = assertThrows(ApiException.class, () -> cache.watch(request(first)));
        assertEquals(410, e.code());
        assertEquals("Expired", e.reason());
        assertTrue(e.getMessage().startsWith("too old resource version: " + first + " ("), e.getMessage());
        assertEquals(0, cache.watchers(PODS));
    }

    private void awaitHistoryAt(long revision) {
        await().atMost(DEADLINE).until(() -> {
            try {
                cache.watch(request(revision)).close();
                return true;
            } catch (ApiException e) {
                return false;
            }
        });
    }

    @Test
    void resetEndsEveryWatcherAndTheNextWatchUsesTheNewBackend() throws Exception {
        Sink sink = new Sink();
        cache.watch(request(0), sink);
        CacheWatcher pulled = cache.watch(request(0));
        store.create(PODS + "default/p", pod("p", "web"));
        await().atMost(DEADLINE).until(() -> sink.items.size() == 1);

        InMemoryStorageBackend other = new InMemoryStorageBackend();
        inUse.set(other);
        cache.reset();
        await().atMost(DEADLINE).until(() -> sink.closed.get() != null);
        assertEquals(410, sink.closed.get().orElseThrow().code());
        pulled.next(1, TimeUnit.SECONDS); // the ADDED before the reset, or the end
        assertTrue(pulled.isEnded());

        CacheWatcher fresh = cache.watch(request(0));
        long revision = other.create(PODS + "default/q", pod("q", "web")).modRevision();
        store.create(PODS + "default/old", pod("old", "web"));
        assertEquals(List.of("ADDED@" + revision), pull(fresh, 1).stream().map(WatchItem::toString).toList());
        assertNull(fresh.next(50, TimeUnit.MILLISECONDS));
    }

    @Test
    void closingAWatcherTellsItsSinkAndStopsIt() throws Exception {
        Sink sink = new Sink();
        CacheWatcher watcher = cache.watch(request(0), sink);
        watcher.close();
        await().atMost(DEADLINE).until(() -> sink.closed.get() != null);
        assertTrue(sink.closed.get().isEmpty());
        assertEquals(0, cache.watchers(PODS));
        store.create(PODS + "default/p", pod("p", "web"));
        assertTrue(sink.items.isEmpty());
    }

    @Test
    void anInProcessListenerGetsTypedObjects() throws Exception {
        List<WatchEvent<Pod>> events = new CopyOnWriteArrayList<>();
        AtomicReference<String> closed = new AtomicReference<>();
        CacheWatcher watcher = cache.watch(request(0), ListenerSink.of(ResourceKind.PODS, new WatchListener<>() {
            @Override
            public void onEvent(WatchEvent<Pod> event) {
                events.add(event);
            }

            @Override
            public void onClose(ApiException cause) {
                closed.set(cause == null ? "closed by its owner" : cause.getMessage());
            }
        }));
        long revision = store.create(PODS + "default/p", pod("p", "web")).modRevision();
        await().atMost(DEADLINE).until(() -> events.size() == 1);
        Pod pod = events.get(0).object();
        assertEquals(WatchEvent.Type.ADDED, events.get(0).type());
        assertEquals("p", pod.metadata.name);
        assertEquals("web", pod.metadata.labels.get("app"));
        assertEquals(String.valueOf(revision), pod.metadata.resourceVersion);
        assertEquals("v1", pod.spec.containers.get(0).image);
        watcher.close();
        await().atMost(DEADLINE).until(() -> "closed by its owner".equals(closed.get()));
    }

    // --- helpers ---

    private static WatchRequest request(long start) {
        return WatchRequest.of(PODS, "Pod", "v1", start);
    }

    private static List<WatchItem> pull(CacheWatcher watcher, int count) throws InterruptedException {
        List<WatchItem> items = new ArrayList<>();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (items.size() < count && System.nanoTime() < deadline) {
            WatchItem item = watcher.next(1, TimeUnit.SECONDS);
            if (item != null) {
                items.add(item);
            }
        }
        return items;
    }

    private static byte[] pod(String name, String app) {
        return podWithImage(name, app, "v1");
    }

    private static byte[] podWithImage(String name, String app, String image) {
        return ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"default\",\"labels\":{\"app\":\"" + app + "\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"" + image + "\"}]}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Collects what a watcher is given. */
    private static class Sink implements WatchSink {
        final List<WatchItem> items = new CopyOnWriteArrayList<>();
        final AtomicReference<Optional<ApiException>> closed = new AtomicReference<>();

        @Override
        public void onEvent(WatchItem item) {
            items.add(item);
        }

        @Override
        public void onClose(ApiException cause) {
            closed.set(Optional.ofNullable(cause));
        }

        List<Long> revisions() {
            return items.stream().map(WatchItem::revision).toList();
        }
    }
}
