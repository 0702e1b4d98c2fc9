package io.gantry.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoreWatchListener;
import io.gantry.api.store.StoredEntry;
import io.gantry.api.store.StoredPage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The etcd backend against a real etcd server started for each test. */
class EtcdStoreTest {

    @TempDir
    Path folder;

    private EtcdServer etcd;
    private final List<EtcdStore> open = new ArrayList<>();

    @BeforeEach
    void startEtcd() throws Exception {
        etcd = new EtcdServer(folder);
    }

    @AfterEach
    void stop() throws Exception {
        open.forEach(EtcdStore::deactivate);
        etcd.close();
    }

    @Test
    void writesAreCompareAndSetOnTheRevision() {
        EtcdStore store = open();
        long start = store.currentRevision();
        StoredEntry created = store.create("/registry/pods/default/a", bytes("one"));
        assertEquals(start + 1, created.modRevision());
        assertEquals(created.modRevision(), created.createRevision());
        assertThrows(StoreException.KeyExists.class, () -> store.create("/registry/pods/default/a", bytes("again")));

        StoredEntry updated = store.update("/registry/pods/default/a", bytes("two"), created.modRevision());
        assertEquals(start + 2, updated.modRevision());
        assertEquals(created.createRevision(), updated.createRevision());
        StoreException.Conflict stale = assertThrows(StoreException.Conflict.class,
                () -> store.update("/registry/pods/default/a", bytes("stale"), created.modRevision()));
        assertEquals(updated.modRevision(), stale.actualModRevision());
        assertArrayEquals(bytes("two"), store.get("/registry/pods/default/a").orElseThrow().value());

        StoredEntry deleted = store.delete("/registry/pods/default/a", 0);
        assertEquals(start + 3, deleted.modRevision());
        assertArrayEquals(bytes("two"), deleted.value());
        assertEquals(created.createRevision(), deleted.createRevision());
        assertTrue(store.get("/registry/pods/default/a").isEmpty());
        assertThrows(StoreException.KeyNotFound.class, () -> store.delete("/registry/pods/default/a", 0));
        assertThrows(StoreException.KeyNotFound.class, () -> store.update("/registry/pods/default/a", bytes("x"), 0));
        assertEquals(start + 3, store.currentRevision(), "failed writes take no revision");
    }

    @Test
    void listsByPrefixInKeyOrderAcrossPages() {
        EtcdStore store = open();
        for (int i = 0; i < 1203; i++) {
            store.create(String.format("/registry/configmaps/default/c%05d", i), bytes("v" + i));
        }
        store.create("/registry/pods/default/a", bytes("a"));
        store.create("/registry/pods/defaults/b", bytes("b"));

        StoredPage page = store.list("/registry/configmaps/");
        assertEquals(1203, page.entries().size());
        for (int i = 0; i < 1203; i++) {
            assertEquals(String.format("/registry/configmaps/default/c%05d", i), page.entries().get(i).key());
        }
        assertEquals(store.currentRevision(), page.revision());
        assertEquals(List.of("/registry/pods/default/a"),
                store.list("/registry/pods/default/").entries().stream().map(StoredEntry::key).toList());
    }

    @Test
    void watchReplaysHistoryThenFollowsEveryChangeOnceInOrder() throws Exception {
        EtcdStore store = open();
        store.create("/registry/pods/default/before", bytes("x"));
        long from = store.currentRevision();
        store.create("/registry/pods/default/replayed", bytes("x"));
        store.create("/registry/nodes/ignored", bytes("x"));

        Recorder recorder = new Recorder();
        try (StoreWatch watch = store.watch("/registry/pods/", from, recorder)) {
            writeConcurrently(store, 8, 25);
            store.delete("/registry/pods/default/replayed", 0);
            int expected = 1 + 8 * 25 * 2 + 1;
            await().atMost(Duration.ofSeconds(30)).until(() -> recorder.events.size() >= expected);
            assertEquals(expected, recorder.events.size(), "each change exactly once");
            assertEquals("/registry/pods/default/replayed", recorder.events.get(0).entry().key());
            assertTrue(recorder.events.get(0).isCreate());
            for (int i = 1; i < recorder.events.size(); i++) {
                assertTrue(recorder.events.get(i).revision() > recorder.events.get(i - 1).revision(), "in revision order");
            }
            StoreEvent delete = recorder.events.get(expected - 1);
            assertEquals(StoreEvent.Type.DELETE, delete.type());
            assertArrayEquals(bytes("x"), delete.entry().value(), "a delete carries the last value");
            assertEquals(recorder.events.get(0).revision(), delete.entry().createRevision());
        }
        assertTrue(recorder.closedByOwner);
    }

    @Test
    void aWatchFromTheFutureWaitsForItsRevision() {
        EtcdStore store = open();
        long now = store.currentRevision();
        Recorder recorder = new Recorder();
        store.watch("/registry/", now + 3, recorder);
        for (int i = 0; i < 5; i++) {
            store.create("/registry/pods/default/p" + i, bytes("x"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.events.size() == 2);
        assertEquals(List.of(now + 4, now + 5), recorder.events.stream().map(StoreEvent::revision).toList());
    }

    @Test
    void compactionForgetsHistoryButKeepsValues() {
        EtcdStore store = open();
        for (int i = 0; i < 20; i++) {
            store.create("/registry/pods/default/p" + i, bytes("x"));
        }
        long middle = store.currentRevision() - 10;
        store.compact(middle);
        assertEquals(middle, store.compactedRevision());
        StoreException.Compacted compacted = assertThrows(StoreException.Compacted.class,
                () -> store.watch("/registry/pods/", middle - 1, new Recorder()));
        assertEquals(middle + 1, compacted.oldestRevision());
        Recorder recent = new Recorder();
        store.watch("/registry/pods/", middle, recent);
        await().atMost(Duration.ofSeconds(10)).until(() -> recent.events.size() == 10);
        assertEquals(20, store.list("/registry/").entries().size());
    }

    @Test
    void restoreRenumbersAboveTheSnapshotAndEndsOpenWatches() {
        EtcdStore store = open();
        store.create("/registry/pods/default/gone", bytes("x"));
        Recorder watcher = new Recorder();
        store.watch("/registry/", 0, watcher);
        List<StoredEntry> entries = List.of(
                new StoredEntry("/registry/pods/default/a", bytes("a"), 500, 700),
                new StoredEntry("/registry/pods/default/b", bytes("b"), 600, 600));
        store.restore(new StoredPage(entries, 1000));

        await().atMost(Duration.ofSeconds(10)).until(() -> watcher.closedWith instanceof StoreException.Compacted);
        StoredPage restored = store.snapshot();
        assertEquals(List.of("/registry/pods/default/a", "/registry/pods/default/b"),
                restored.entries().stream().map(StoredEntry::key).toList());
        assertArrayEquals(bytes("a"), restored.entries().get(0).value());
        assertTrue(restored.entries().stream().allMatch(e -> e.modRevision() > 1000), "renumbered above the snapshot");
        assertEquals(1000, store.compactedRevision());
        assertTrue(store.currentRevision() >= 1002);

        // a watch from the snapshot's revision sees the restored entries, then later changes
        Recorder after = new Recorder();
        store.watch("/registry/", 1000, after);
        StoredEntry next = store.create("/registry/pods/default/c", bytes("c"));
        await().atMost(Duration.ofSeconds(10)).until(() -> after.events.size() == 3);
        assertEquals(next.modRevision(), after.events.get(2).revision());
        assertThrows(StoreException.Compacted.class, () -> store.watch("/registry/", 999, new Recorder()));

        // a second backend on the same etcd reads the same revisions
        EtcdStore other = open();
        assertEquals(store.currentRevision(), other.currentRevision());
        assertEquals(next.modRevision(), other.get("/registry/pods/default/c").orElseThrow().modRevision());
    }

    @Test
    void aRestartOfEtcdAndTheBackendLosesNothingAndAnOpenWatchResumes() throws Exception {
        EtcdStore store = open();
        writeConcurrently(store, 4, 25);
        StoredPage before = store.snapshot();
        Recorder survivor = new Recorder();
        EtcdStore watching = open();
        watching.watch("/registry/", before.revision(), survivor);

        etcd.stop();
        store.deactivate();
        open.remove(store);
        etcd.start();

        EtcdStore restarted = open();
        StoredPage after = restarted.snapshot();
        assertEquals(before.revision(), after.revision());
        assertEquals(before.entries().size(), after.entries().size());
        for (int i = 0; i < before.entries().size(); i++) {
            assertEquals(before.entries().get(i).key(), after.entries().get(i).key());
            assertEquals(before.entries().get(i).modRevision(), after.entries().get(i).modRevision());
            assertArrayEquals(before.entries().get(i).value(), after.entries().get(i).value());
        }
        StoredEntry next = restarted.create("/registry/pods/default/after-restart", bytes("x"));
        assertEquals(before.revision() + 1, next.modRevision());
        await().atMost(Duration.ofSeconds(30)).until(() -> survivor.events.size() == 1);
        assertEquals(next.modRevision(), survivor.events.get(0).revision());
    }

    private EtcdStore open() {
        EtcdStore store = new EtcdStore(new TestConfig(etcd.endpoint(), "/gantry"));
        open.add(store);
        return store;
    }

    private static void writeConcurrently(EtcdStore store, int writers, int each) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            done.add(pool.submit(() -> {
                for (int i = 0; i < each; i++) {
                    String key = "/registry/pods/default/w" + writer + "-" + i;
                    StoredEntry entry = store.create(key, bytes("v"));
                    store.update(key, bytes("v2"), entry.modRevision());
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private static final class Recorder implements StoreWatchListener {
        final List<StoreEvent> events = new CopyOnWriteArrayList<>();
        volatile boolean closedByOwner;
        volatile StoreException closedWith;

        @Override
        public void onEvent(StoreEvent event) {
            events.add(event);
        }

        @Override
        public void onClose(StoreException cause) {
            closedByOwner = cause == null;
            closedWith = cause;
        }
    }
}
