package io.gantry.store.embedded;

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
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded backend on a real file: contract, durability across close and crash, compaction. */
class EmbeddedStoreTest {

    @TempDir
    Path folder;

    private final List<EmbeddedStore> open = new ArrayList<>();

    @AfterEach
    void close() {
        open.forEach(EmbeddedStore::deactivate);
    }

    @Test
    void writesAreCompareAndSetOnTheRevision() {
        EmbeddedStore store = open(new TestConfig(folder));
        StoredEntry created = store.create("/registry/pods/default/a", bytes("one"));
        assertEquals(1, created.modRevision());
        assertEquals(created.modRevision(), created.createRevision());
        assertThrows(StoreException.KeyExists.class, () -> store.create("/registry/pods/default/a", bytes("again")));

        StoredEntry updated = store.update("/registry/pods/default/a", bytes("two"), created.modRevision());
        assertEquals(2, updated.modRevision());
        assertEquals(1, updated.createRevision());
        StoreException.Conflict stale = assertThrows(StoreException.Conflict.class,
                () -> store.update("/registry/pods/default/a", bytes("stale"), created.modRevision()));
        assertEquals(2, stale.actualModRevision());
        assertArrayEquals(bytes("two"), store.get("/registry/pods/default/a").orElseThrow().value());

        StoredEntry deleted = store.delete("/registry/pods/default/a", 0);
        assertEquals(3, deleted.modRevision());
        assertArrayEquals(bytes("two"), deleted.value());
        assertTrue(store.get("/registry/pods/default/a").isEmpty());
        assertThrows(StoreException.KeyNotFound.class, () -> store.delete("/registry/pods/default/a", 0));
        assertThrows(StoreException.KeyNotFound.class, () -> store.update("/registry/pods/default/a", bytes("x"), 0));
        assertEquals(3, store.currentRevision(), "failed writes take no revision");
    }

    @Test
    void listsByPrefixInKeyOrder() {
        EmbeddedStore store = open(new TestConfig(folder));
        store.create("/registry/pods/default/b", bytes("b"));
        store.create("/registry/pods/default/a", bytes("a"));
        store.create("/registry/pods/other/c", bytes("c"));
        store.create("/registry/nodes/n1", bytes("n"));

        StoredPage page = store.list("/registry/pods/default/");
        assertEquals(List.of("/registry/pods/default/a", "/registry/pods/default/b"),
                page.entries().stream().map(StoredEntry::key).toList());
        assertEquals(4, page.revision());
        assertEquals(3, store.list("/registry/pods/").entries().size());
    }

    @Test
    void watchReplaysTheLogThenFollowsEveryChangeOnceInOrder() throws Exception {
        EmbeddedStore store = open(new TestConfig(folder));
        store.create("/registry/pods/default/before", bytes("x"));
        long from = store.currentRevision();
        store.create("/registry/pods/default/replayed", bytes("x"));
        store.create("/registry/nodes/ignored", bytes("x"));

        Recorder recorder = new Recorder();
        try (StoreWatch watch = store.watch("/registry/pods/", from, recorder)) {
            writeConcurrently(store, 8, 25);
            int expected = 1 + 8 * 25 * 2;
            await().atMost(Duration.ofSeconds(20)).until(() -> recorder.events.size() >= expected);
            assertEquals(expected, recorder.events.size(), "each change exactly once");
            assertEquals("/registry/pods/default/replayed", recorder.events.get(0).entry().key());
            for (int i = 1; i < recorder.events.size(); i++) {
                assertTrue(recorder.events.get(i).revision() > recorder.events.get(i - 1).revision(), "in revision order");
            }
        }
        assertTrue(recorder.closedByOwner);
    }

    @Test
    void aWatchFromTheFutureWaitsForItsRevision() {
        EmbeddedStore store = open(new TestConfig(folder));
        Recorder recorder = new Recorder();
        store.watch("/registry/", 3, recorder);
        for (int i = 0; i < 5; i++) {
            store.create("/registry/pods/default/p" + i, bytes("x"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.events.size() == 2);
        assertEquals(List.of(4L, 5L), recorder.events.stream().map(StoreEvent::revision).toList());
    }

    @Test
    void theChangeLogIsCompactedToItsConfiguredSize() {
        EmbeddedStore store = open(new TestConfig(folder, true, 10));
        for (int i = 0; i < 30; i++) {
            store.create("/registry/pods/default/p" + i, bytes("x"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> store.compactedRevision() == 20);
        StoreException.Compacted compacted = assertThrows(StoreException.Compacted.class,
                () -> store.watch("/registry/pods/", 19, new Recorder()));
        assertEquals(21, compacted.oldestRevision());
        Recorder recent = new Recorder();
        store.watch("/registry/pods/", 20, recent);
        await().atMost(Duration.ofSeconds(10)).until(() -> recent.events.size() == 10);
        assertEquals(30, store.list("/registry/").entries().size(), "compaction keeps every current value");
    }

    @Test
    void everyWriteIsThereAfterARestartAndRevisionsGoOn() throws Exception {
        EmbeddedStore store = open(new TestConfig(folder));
        writeConcurrently(store, 8, 50);
        store.delete("/registry/pods/default/w0-0", 0);
        long revision = store.currentRevision();
        StoredPage before = store.snapshot();
        store.deactivate();
        open.remove(store);

        EmbeddedStore reopened = open(new TestConfig(folder));
        assertEquals(revision, reopened.currentRevision());
        assertPagesEqual(before, reopened.snapshot());
        Recorder history = new Recorder();
        reopened.watch("/registry/", 0, history);
        await().atMost(Duration.ofSeconds(10)).until(() -> history.events.size() == revision);
        assertEquals(revision + 1, reopened.create("/registry/pods/default/next", bytes("x")).modRevision());
    }

    @Test
    void aKilledWriterLosesNoAcknowledgedWrite() throws Exception {
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Writer.class.getName(), folder.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        Map<String, Long> acknowledged = new HashMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), UTF_8))) {
            String line;
            while (acknowledged.size() < 2000 && (line = out.readLine()) != null) {
                String[] parts = line.split(" ");
                acknowledged.put(parts[0], Long.parseLong(parts[1]));
            }
            // SIGKILL while the writers are still writing
            writer.destroyForcibly();
            writer.waitFor();
        }
        assertEquals(2000, acknowledged.size(), "the writer acknowledged writes before it was killed");

        EmbeddedStore reopened = open(new TestConfig(folder));
        for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
            StoredEntry entry = reopened.get(ack.getKey()).orElseThrow(() -> new AssertionError(ack.getKey() + " was lost"));
            assertEquals(ack.getValue(), entry.modRevision());
            assertArrayEquals(bytes("value of " + ack.getKey()), entry.value());
        }
        long revision = reopened.currentRevision();
        assertEquals(revision, reopened.list("/registry/").entries().size(), "every stored revision has its object");
        Recorder history = new Recorder();
        reopened.watch("/registry/", 0, history);
        await().atMost(Duration.ofSeconds(10)).until(() -> history.events.size() == revision);
    }

    @Test
    void restoreReplacesTheContentKeepingRevisionsAndEndsOpenWatches() {
        EmbeddedStore source = open(new TestConfig(folder.resolve("source")));
        for (int i = 0; i < 10; i++) {
            source.create("/registry/pods/default/p" + i, bytes("v" + i));
        }
        source.update("/registry/pods/default/p3", bytes("changed"), 0);
        StoredPage snapshot = source.snapshot();

        EmbeddedStore target = open(new TestConfig(folder.resolve("target")));
        target.create("/registry/pods/default/gone", bytes("x"));
        Recorder watcher = new Recorder();
        target.watch("/registry/", 0, watcher);
        target.restore(snapshot);

        assertPagesEqual(snapshot, target.snapshot());
        assertEquals(11, target.currentRevision());
        await().atMost(Duration.ofSeconds(10)).until(() -> watcher.closedWith instanceof StoreException.Compacted);
        assertEquals(12, target.create("/registry/pods/default/next", bytes("x")).modRevision());
    }

    private EmbeddedStore open(TestConfig config) {
        EmbeddedStore store = new EmbeddedStore(config);
        open.add(store);
        return store;
    }

    private static void writeConcurrently(EmbeddedStore store, int writers, int each) throws Exception {
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

    private static void assertPagesEqual(StoredPage expected, StoredPage actual) {
        assertEquals(expected.revision(), actual.revision());
        assertEquals(expected.entries().size(), actual.entries().size());
        for (int i = 0; i < expected.entries().size(); i++) {
            StoredEntry e = expected.entries().get(i);
            StoredEntry a = actual.entries().get(i);
            assertEquals(e.key(), a.key());
            assertArrayEquals(e.value(), a.value());
            assertEquals(e.createRevision(), a.createRevision());
            assertEquals(e.modRevision(), a.modRevision());
        }
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
