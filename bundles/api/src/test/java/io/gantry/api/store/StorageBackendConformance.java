package io.gantry.api.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link StorageBackend} contract, run unchanged against every backend: a backend's test
 * class extends this one and says how to make a fresh, empty backend.
 *
 * <p>The tests make no assumption about the revision a fresh backend starts at (a backend may
 * share an engine with other tests): every revision is checked relative to the one read at the
 * start. Watch events may arrive on any thread and after the write returns, so every wait is
 * bounded by {@link #DELIVERY}.
 */
public abstract class StorageBackendConformance {

    /** How long a change may take to reach a watch. */
    protected static final Duration DELIVERY = Duration.ofSeconds(20);

    private final List<StoreWatch> watches = new CopyOnWriteArrayList<>();

    /**
     * A fresh backend with no entries, independent of every other one this method returned (the
     * snapshot test restores into a second one). The test class releases it after each test.
     */
    protected abstract StorageBackend newBackend();

    private final List<Recorder> recorders = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeWatches() {
        watches.forEach(StoreWatch::close);
        for (Recorder recorder : recorders) {
            assertFalse(recorder.overlapped, "a listener got two events at once");
        }
    }

    @Test
    void createStoresANewKeyAndFailsIfItIsPresent() {
        StorageBackend store = newBackend();
        long start = store.currentRevision();

        StoredEntry created = store.create("/registry/pods/default/a", bytes("one"));

        assertEquals(start + 1, created.modRevision());
        assertEquals(created.modRevision(), created.createRevision());
        assertEquals("/registry/pods/default/a", created.key());
        assertArrayEquals(bytes("one"), created.value());
        assertEquals(start + 1, store.currentRevision());
        assertThrows(StoreException.KeyExists.class, () -> store.create("/registry/pods/default/a", bytes("again")));
        assertArrayEquals(bytes("one"), store.get("/registry/pods/default/a").orElseThrow().value(),
                "a refused create leaves the stored value alone");
        assertEquals(start + 1, store.currentRevision(), "a refused create takes no revision");
    }

    @Test
    void getReturnsTheEntryWithItsRevisionsOrNothing() {
        StorageBackend store = newBackend();
        StoredEntry created = store.create("/registry/nodes/n1", bytes("node"));

        StoredEntry read = store.get("/registry/nodes/n1").orElseThrow();

        assertEquals(created.key(), read.key());
        assertArrayEquals(bytes("node"), read.value());
        assertEquals(created.createRevision(), read.createRevision());
        assertEquals(created.modRevision(), read.modRevision());
        assertTrue(store.get("/registry/nodes/n2").isEmpty());
        assertTrue(store.get("/registry/nodes/").isEmpty(), "a prefix is not a key");
    }

    @Test
    void aReadToDecideAWriteSeesEveryAcknowledgedWrite() {
        StorageBackend store = newBackend();
        StoredEntry created = store.create("/registry/namespaces/a", bytes("v1"));
        assertEquals(created.modRevision(), store.getToDecideWrite("/registry/namespaces/a").orElseThrow().modRevision());
        StoredEntry updated = store.update("/registry/namespaces/a", bytes("v2"), created.modRevision());
        StoredEntry read = store.getToDecideWrite("/registry/namespaces/a").orElseThrow();
        assertEquals(updated.modRevision(), read.modRevision());
        assertArrayEquals(bytes("v2"), read.value());
        store.delete("/registry/namespaces/a", updated.modRevision());
        assertTrue(store.getToDecideWrite("/registry/namespaces/a").isEmpty());
    }

    @Test
    void listReturnsTheEntriesUnderAPrefixInKeyOrderWithTheRevisionTheyWereReadAt() {
        StorageBackend store = newBackend();
        store.create("/registry/pods/default/b", bytes("b"));
        store.create("/registry/pods/default/a", bytes("a"));
        store.create("/registry/pods/defaults/x", bytes("x"));
        store.create("/registry/pods/other/c", bytes("c"));
        store.create("/registry/nodes/n1", bytes("n"));

        StoredPage page = store.list("/registry/pods/default/");

        assertEquals(List.of("/registry/pods/default/a", "/registry/pods/default/b"), keys(page.entries()));
        assertArrayEquals(bytes("a"), page.entries().get(0).value());
        assertEquals(store.currentRevision(), page.revision());
        assertEquals(4, store.list("/registry/pods/").entries().size());
        assertEquals(5, store.list("").entries().size(), "the empty prefix lists everything");
        assertTrue(store.list("/registry/services/").entries().isEmpty());
        assertEquals(store.currentRevision(), store.list("/registry/services/").revision(),
                "an empty list still says its revision");
    }

    @Test
    void updateIsCompareAndSetOnTheModRevision() {
        StorageBackend store = newBackend();
        StoredEntry created = store.create("/registry/pods/default/a", bytes("one"));

        StoredEntry updated = store.update("/registry/pods/default/a", bytes("two"), created.modRevision());

        assertEquals(created.modRevision() + 1, updated.modRevision());
        assertEquals(created.createRevision(), updated.createRevision(), "an update keeps the create revision");
        assertArrayEquals(bytes("two"), updated.value());
        StoreException.Conflict stale = assertThrows(StoreException.Conflict.class,
                () -> store.update("/registry/pods/default/a", bytes("stale"), created.modRevision()));
        assertEquals(updated.modRevision(), stale.actualModRevision());
        assertArrayEquals(bytes("two"), store.get("/registry/pods/default/a").orElseThrow().value(),
                "a refused update leaves the stored value alone");
        assertEquals(updated.modRevision(), store.currentRevision(), "a refused update takes no revision");

        StoredEntry unconditional = store.update("/registry/pods/default/a", bytes("three"), 0);
        assertEquals(updated.modRevision() + 1, unconditional.modRevision(), "0 updates whatever the revision");
        StoredEntry read = store.get("/registry/pods/default/a").orElseThrow();
        assertArrayEquals(bytes("three"), read.value());
        assertEquals(unconditional.modRevision(), read.modRevision());
        assertThrows(StoreException.KeyNotFound.class, () -> store.update("/registry/pods/default/b", bytes("x"), 0));
        assertEquals(unconditional.modRevision(), store.currentRevision());
    }

    @Test
    void deleteIsCompareAndSetOnTheModRevisionAndReturnsTheLastValue() {
        StorageBackend store = newBackend();
        StoredEntry created = store.create("/registry/pods/default/a", bytes("one"));
        StoredEntry updated = store.update("/registry/pods/default/a", bytes("two"), 0);

        StoreException.Conflict stale = assertThrows(StoreException.Conflict.class,
                () -> store.delete("/registry/pods/default/a", created.modRevision()));
        assertEquals(updated.modRevision(), stale.actualModRevision());
        assertTrue(store.get("/registry/pods/default/a").isPresent(), "a refused delete removes nothing");

        StoredEntry deleted = store.delete("/registry/pods/default/a", updated.modRevision());

        assertEquals(updated.modRevision() + 1, deleted.modRevision(), "a delete takes the next revision");
        assertEquals(created.createRevision(), deleted.createRevision());
        assertArrayEquals(bytes("two"), deleted.value(), "a delete returns the last value");
        assertTrue(store.get("/registry/pods/default/a").isEmpty());
        assertThrows(StoreException.KeyNotFound.class, () -> store.delete("/registry/pods/default/a", 0));
        assertEquals(deleted.modRevision(), store.currentRevision(), "a refused delete takes no revision");

        StoredEntry again = store.create("/registry/pods/default/a", bytes("new"));
        assertEquals(deleted.modRevision() + 1, again.createRevision(), "a key created again starts afresh");
        StoredEntry unconditional = store.delete("/registry/pods/default/a", 0);
        assertArrayEquals(bytes("new"), unconditional.value());
    }

    @Test
    void everyWriteTakesTheNextRevision() {
        StorageBackend store = newBackend();
        long start = store.currentRevision();
        List<Long> revisions = new ArrayList<>();

        for (int i = 0; i < 20; i++) {
            StoredEntry entry = store.create("/registry/configmaps/default/c" + i, bytes("v" + i));
            revisions.add(entry.modRevision());
            revisions.add(store.update(entry.key(), bytes("w" + i), entry.modRevision()).modRevision());
            if (i % 2 == 0) {
                revisions.add(store.delete(entry.key(), 0).modRevision());
            }
        }

        for (int i = 0; i < revisions.size(); i++) {
            assertEquals(start + 1 + i, revisions.get(i), "write " + i);
        }
        assertEquals(start + revisions.size(), store.currentRevision());
    }

    @Test
    void concurrentWritersNeverShareARevisionAndEveryChangeIsWatchedOnceInOrder() throws Exception {
        StorageBackend store = newBackend();
        long start = store.currentRevision();
        Recorder recorder = watch(store, "/registry/", start);
        int writers = 6;
        int keysPerWriter = 15;
        Set<Long> revisions = ConcurrentHashMap.newKeySet();
        AtomicInteger acknowledged = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < keysPerWriter; i++) {
                        // Every writer also updates one shared key: compare-and-set races on it.
                        String key = "/registry/pods/default/w" + writer + "-" + i;
                        StoredEntry entry = store.create(key, bytes("v"));
                        record(revisions, acknowledged, entry);
                        record(revisions, acknowledged, store.update(key, bytes("v2"), entry.modRevision()));
                        record(revisions, acknowledged, updateShared(store));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }

        int writes = acknowledged.get();
        assertEquals(writes, revisions.size(), "no revision given to two writes");
        assertEquals(start + writes, store.currentRevision());
        assertEquals(Set.copyOf(rangeClosed(start + 1, start + writes)), revisions, "no revision skipped");
        await().atMost(DELIVERY).until(() -> recorder.events.size() >= writes);
        assertEquals(rangeClosed(start + 1, start + writes), revisionsOf(recorder.events),
                "every change watched exactly once, in order");
    }

    @Test
    void aListTakenWhileOthersWriteHoldsExactlyTheEntriesAtItsRevision() throws Exception {
        StorageBackend store = newBackend();
        long start = store.currentRevision();
        Recorder recorder = watch(store, "/registry/", start);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<StoredPage> pages = new ArrayList<>();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        String key = "/registry/pods/default/w" + writer + "-" + (i % 10);
                        StoredEntry current = store.get(key).orElse(null);
                        try {
                            if (current == null) {
                                store.create(key, bytes("v" + i));
                            } else if (i % 3 == 0) {
                                store.delete(key, current.modRevision());
                            } else {
                                store.update(key, bytes("v" + i), current.modRevision());
                            }
                        } catch (StoreException.Conflict | StoreException.KeyExists | StoreException.KeyNotFound e) {
                            // only this writer writes its keys, so this does not happen; tolerated all the same
                        }
                    }
                    return null;
                }));
            }
            while (done.stream().anyMatch(f -> !f.isDone())) {
                pages.add(store.list("/registry/pods/"));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long end = store.currentRevision();
        await().atMost(DELIVERY).until(() -> !recorder.events.isEmpty()
                && recorder.events.get(recorder.events.size() - 1).revision() == end);

        for (StoredPage page : pages) {
            Map<String, Long> expected = new java.util.TreeMap<>();
            for (StoreEvent event : recorder.events) {
                if (event.revision() > page.revision()) {
                    break;
                }
                if (event.type() == StoreEvent.Type.DELETE) {
                    expected.remove(event.entry().key());
                } else {
                    expected.put(event.entry().key(), event.revision());
                }
            }
            Map<String, Long> listed = new java.util.TreeMap<>();
            page.entries().forEach(e -> listed.put(e.key(), e.modRevision()));
            assertEquals(expected, listed, "the list at revision " + page.revision() + " is the state at that revision");
        }
    }

    @Test
    void watchFromARevisionDeliversTheChangesAlreadyMadeAfterItThenEveryLaterOne() {
        StorageBackend store = newBackend();
        store.create("/registry/pods/default/before", bytes("x"));
        long from = store.currentRevision();
        store.create("/registry/pods/default/replayed", bytes("x"));
        store.update("/registry/pods/default/before", bytes("y"), 0);

        Recorder recorder = watch(store, "/registry/pods/", from);
        store.delete("/registry/pods/default/replayed", 0);
        store.create("/registry/pods/default/later", bytes("z"));

        await().atMost(DELIVERY).until(() -> recorder.events.size() >= 4);
        assertEquals(rangeClosed(from + 1, from + 4), revisionsOf(recorder.events));
        StoreEvent created = recorder.events.get(0);
        assertEquals(StoreEvent.Type.PUT, created.type());
        assertTrue(created.isCreate());
        assertEquals("/registry/pods/default/replayed", created.entry().key());
        StoreEvent updated = recorder.events.get(1);
        assertFalse(updated.isCreate(), "an update is a PUT that is not a create");
        assertArrayEquals(bytes("y"), updated.entry().value());
        assertEquals(StoreEvent.Type.DELETE, recorder.events.get(2).type());
        assertEquals("/registry/pods/default/later", recorder.events.get(3).entry().key());
        assertNull(recorder.closed, "the watch is still open");
    }

    @Test
    void watchFromTheCurrentRevisionDeliversOnlyNewChanges() {
        StorageBackend store = newBackend();
        store.create("/registry/pods/default/a", bytes("x"));
        long now = store.currentRevision();
        Recorder recorder = watch(store, "/registry/pods/", now);

        StoredEntry next = store.create("/registry/pods/default/b", bytes("y"));

        await().atMost(DELIVERY).until(() -> !recorder.events.isEmpty());
        assertEquals(List.of(next.modRevision()), revisionsOf(recorder.events));
    }

    @Test
    void watchFromAFutureRevisionDeliversTheChangesAfterItWhenTheyHappen() {
        StorageBackend store = newBackend();
        long future = store.currentRevision() + 2;
        Recorder recorder = watch(store, "/registry/pods/", future);
        Recorder witness = watch(store, "/registry/pods/", store.currentRevision());

        store.create("/registry/pods/default/a", bytes("1"));
        store.create("/registry/pods/default/b", bytes("2"));
        StoredEntry third = store.create("/registry/pods/default/c", bytes("3"));

        await().atMost(DELIVERY).until(() -> witness.events.size() >= 3 && !recorder.events.isEmpty());
        assertEquals(List.of(third.modRevision()), revisionsOf(recorder.events), "only the changes above the revision");
    }

    @Test
    void aWatchOnAPrefixSeesOnlyThatPrefix() {
        StorageBackend store = newBackend();
        long start = store.currentRevision();
        Recorder pods = watch(store, "/registry/pods/default/", start);
        Recorder everything = watch(store, "/registry/", start);

        store.create("/registry/pods/default/a", bytes("a"));
        store.create("/registry/pods/defaults/x", bytes("x"));
        store.create("/registry/pods/other/b", bytes("b"));
        store.create("/registry/nodes/n1", bytes("n"));
        store.update("/registry/pods/default/a", bytes("a2"), 0);

        await().atMost(DELIVERY).until(() -> everything.events.size() >= 5);
        assertEquals(List.of("/registry/pods/default/a", "/registry/pods/default/a"), keys(entriesOf(pods.events)));
        assertEquals(List.of(start + 1, start + 5), revisionsOf(pods.events));
    }

    @Test
    void aDeleteEventCarriesTheLastValueAndTheRevisionOfTheDelete() {
        StorageBackend store = newBackend();
        StoredEntry created = store.create("/registry/secrets/default/s", bytes("first"));
        store.update("/registry/secrets/default/s", bytes("last"), 0);
        Recorder recorder = watch(store, "/registry/secrets/", store.currentRevision());

        StoredEntry deleted = store.delete("/registry/secrets/default/s", 0);

        await().atMost(DELIVERY).until(() -> !recorder.events.isEmpty());
        StoreEvent event = recorder.events.get(0);
        assertEquals(StoreEvent.Type.DELETE, event.type());
        assertFalse(event.isCreate());
        assertEquals("/registry/secrets/default/s", event.entry().key());
        assertArrayEquals(bytes("last"), event.entry().value());
        assertEquals(created.createRevision(), event.entry().createRevision());
        assertEquals(deleted.modRevision(), event.revision());
    }

    @Test
    void closingAWatchStopsItsEventsAndTellsItsListenerOnce() {
        StorageBackend store = newBackend();
        Recorder closed = watch(store, "/registry/pods/", store.currentRevision());
        Recorder open = watch(store, "/registry/pods/", store.currentRevision());
        store.create("/registry/pods/default/a", bytes("a"));
        await().atMost(DELIVERY).until(() -> closed.events.size() == 1 && open.events.size() == 1);

        watches.get(0).close();
        watches.get(0).close();
        store.create("/registry/pods/default/b", bytes("b"));
        store.create("/registry/pods/default/c", bytes("c"));

        await().atMost(DELIVERY).until(() -> open.events.size() == 3 && closed.closeCalls.get() > 0);
        assertEquals(1, closed.events.size(), "no event after close");
        assertTrue(closed.closedByOwner, "onClose(null): closed by its owner");
        assertEquals(1, closed.closeCalls.get(), "onClose once, however often close is called");
    }

    @Test
    void aWatchFromACompactedRevisionIsRefusedAndOneAfterItIsServed() {
        StorageBackend store = newBackend();
        long start = store.currentRevision();
        for (int i = 1; i <= 6; i++) {
            store.create("/registry/pods/default/p" + i, bytes("v" + i));
        }
        long compactTo = start + 4;

        store.compact(compactTo);

        assertTrue(store.compactedRevision() >= compactTo, "compacted at least up to " + compactTo);
        long compacted = store.compactedRevision();
        StoreException.Compacted refused = assertThrows(StoreException.Compacted.class,
                () -> store.watch("/registry/pods/", compacted - 1, new Recorder()));
        assertTrue(refused.oldestRevision() > compacted - 1);
        assertThrows(StoreException.Compacted.class, () -> store.watch("/registry/pods/", start, new Recorder()));
        Recorder recorder = watch(store, "/registry/pods/", compacted);
        StoredEntry later = store.create("/registry/pods/default/later", bytes("x"));
        await().atMost(DELIVERY).until(() -> recorder.events.stream().anyMatch(e -> e.revision() == later.modRevision()));
        assertEquals(rangeClosed(compacted + 1, later.modRevision()), revisionsOf(recorder.events),
                "a watch from the compacted revision gets every change after it");
    }

    @Test
    void compactionKeepsTheCurrentValues() {
        StorageBackend store = newBackend();
        StoredEntry a = store.create("/registry/pods/default/a", bytes("a1"));
        store.update(a.key(), bytes("a2"), 0);
        StoredEntry b = store.create("/registry/pods/default/b", bytes("b1"));
        store.create("/registry/pods/default/c", bytes("c1"));
        store.delete("/registry/pods/default/c", 0);
        Map<String, StoredEntry> before = byKey(store.list("/registry/").entries());
        long revision = store.currentRevision();

        store.compact(revision);

        assertEquals(revision, store.compactedRevision());
        assertEquals(revision, store.currentRevision(), "compaction is not a write");
        Map<String, StoredEntry> after = byKey(store.list("/registry/").entries());
        assertEquals(before.keySet(), after.keySet());
        assertArrayEquals(bytes("a2"), after.get(a.key()).value());
        assertEquals(before.get(a.key()).modRevision(), after.get(a.key()).modRevision());
        assertEquals(b.createRevision(), after.get(b.key()).createRevision());
        StoredEntry updated = store.update(a.key(), bytes("a3"), before.get(a.key()).modRevision());
        assertEquals(revision + 1, updated.modRevision(), "writes go on from the current revision");
        store.compact(revision - 1);
        assertEquals(revision, store.compactedRevision(), "compaction never goes back");
    }

    @Test
    void aSnapshotRestoredIntoAnotherBackendHasEveryEntryAndItsRevisions() {
        StorageBackend source = newBackend();
        for (int i = 0; i < 10; i++) {
            StoredEntry entry = source.create("/registry/pods/default/p" + i, bytes("v" + i));
            if (i % 3 == 0) {
                source.update(entry.key(), bytes("u" + i), 0);
            }
        }
        source.delete("/registry/pods/default/p5", 0);
        StoredPage snapshot = source.snapshot();
        assertEquals(source.currentRevision(), snapshot.revision());
        assertEquals(source.list("").entries().size(), snapshot.entries().size());

        StorageBackend target = newBackend();
        target.create("/registry/pods/default/stale", bytes("dropped by the restore"));
        Recorder opened = watch(target, "/registry/", target.currentRevision());

        target.restore(snapshot);

        assertTrue(target.currentRevision() >= snapshot.revision());
        await().atMost(DELIVERY).until(() -> opened.closed != null);
        assertInstanceOf(StoreException.Compacted.class, opened.closed, "a watch open before a restore must relist");
        Map<String, StoredEntry> restored = byKey(target.list("").entries());
        Map<String, StoredEntry> original = byKey(snapshot.entries());
        assertEquals(original.keySet(), restored.keySet(), "exactly the snapshot's keys");
        boolean renumbered = false;
        for (StoredEntry entry : original.values()) {
            StoredEntry copy = restored.get(entry.key());
            assertArrayEquals(entry.value(), copy.value(), entry.key());
            assertTrue(copy.createRevision() <= copy.modRevision());
            assertTrue(copy.modRevision() <= target.currentRevision());
            if (copy.modRevision() != entry.modRevision() || copy.createRevision() != entry.createRevision()) {
                renumbered = true;
                assertTrue(copy.createRevision() > snapshot.revision(), "renumbered above the snapshot: " + copy);
            }
        }
        if (!renumbered) {
            assertEquals(original.values().stream().map(StoredEntry::modRevision).collect(Collectors.toSet()),
                    restored.values().stream().map(StoredEntry::modRevision).collect(Collectors.toSet()));
        }

        long before = target.currentRevision();
        Recorder after = watch(target, "/registry/", target.currentRevision());
        StoredEntry next = target.update("/registry/pods/default/p1", bytes("next"), restored.get("/registry/pods/default/p1").modRevision());
        assertEquals(before + 1, next.modRevision(), "writes go on above the restored revision");
        await().atMost(DELIVERY).until(() -> !after.events.isEmpty());
        assertEquals(List.of(next.modRevision()), revisionsOf(after.events));
    }

    // --- helpers ---

    private static StoredEntry updateShared(StorageBackend store) {
        String shared = "/registry/configmaps/default/shared";
        while (true) {
            StoredEntry current = store.get(shared).orElse(null);
            try {
                if (current == null) {
                    return store.create(shared, bytes("0"));
                }
                return store.update(shared, bytes(String.valueOf(current.modRevision())), current.modRevision());
            } catch (StoreException.Conflict | StoreException.KeyExists e) {
                // another writer got there first: read again and retry, as a controller does
            }
        }
    }

    private static void record(Set<Long> revisions, AtomicInteger acknowledged, StoredEntry entry) {
        revisions.add(entry.modRevision());
        acknowledged.incrementAndGet();
    }

    /** Opens a watch that {@link #closeWatches} closes after the test. */
    protected Recorder watch(StorageBackend store, String prefix, long afterRevision) {
        Recorder recorder = new Recorder();
        recorders.add(recorder);
        watches.add(store.watch(prefix, afterRevision, recorder));
        return recorder;
    }

    protected static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    /**
     * Load for a backend's own tests: {@code writers} threads each create {@code each} pods and
     * update each once; returns when all have, failing on the first write that failed.
     */
    protected static void writeConcurrently(StorageBackend store, int writers, int each) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        String key = "/registry/pods/default/w" + writer + "-" + i;
                        StoredEntry entry = store.create(key, bytes("v"));
                        store.update(key, bytes("v2"), entry.modRevision());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static List<Long> rangeClosed(long from, long to) {
        List<Long> range = new ArrayList<>();
        for (long r = from; r <= to; r++) {
            range.add(r);
        }
        return range;
    }

    private static List<Long> revisionsOf(List<StoreEvent> events) {
        return events.stream().map(StoreEvent::revision).toList();
    }

    private static List<StoredEntry> entriesOf(List<StoreEvent> events) {
        return events.stream().map(StoreEvent::entry).toList();
    }

    private static List<String> keys(List<StoredEntry> entries) {
        return entries.stream().map(StoredEntry::key).toList();
    }

    private static Map<String, StoredEntry> byKey(List<StoredEntry> entries) {
        Set<String> seen = new HashSet<>();
        entries.forEach(e -> assertTrue(seen.add(e.key()), "one entry per key: " + e.key()));
        return entries.stream().collect(Collectors.toMap(StoredEntry::key, Function.identity()));
    }

    /** Records what a watch delivers; checks that events come one at a time. */
    protected static final class Recorder implements StoreWatchListener {
        public final List<StoreEvent> events = new CopyOnWriteArrayList<>();
        public final AtomicInteger closeCalls = new AtomicInteger();
        public volatile StoreException closed;
        public volatile boolean closedByOwner;
        volatile boolean overlapped;
        private final AtomicInteger inside = new AtomicInteger();

        @Override
        public void onEvent(StoreEvent event) {
            if (inside.incrementAndGet() != 1) {
                overlapped = true;
            }
            events.add(event);
            inside.decrementAndGet();
        }

        @Override
        public void onClose(StoreException cause) {
            closeCalls.incrementAndGet();
            closed = cause;
            closedByOwner = cause == null;
        }
    }
}
