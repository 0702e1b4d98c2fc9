package io.gantry.store.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StorageBackendConformance;
import io.gantry.api.store.StoreException;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded backend on real files: the conformance suite, durability across a close and a
 * SIGKILL, compaction by the configured size, restore keeping revisions.
 */
class EmbeddedStoreTest extends StorageBackendConformance {

    @TempDir
    Path folder;

    private final List<EmbeddedStore> open = new ArrayList<>();

    @AfterEach
    void close() {
        open.forEach(EmbeddedStore::deactivate);
    }

    @Override
    protected StorageBackend newBackend() {
        return open(TestConfig.in(folder.resolve("backend-" + open.size())));
    }

    @Test
    void theChangeLogIsCompactedToItsConfiguredSize() {
        EmbeddedStore store = open(TestConfig.in(folder, Map.of("watchHistory", 10)));
        for (int i = 0; i < 30; i++) {
            store.create("/registry/pods/default/p" + i, bytes("x"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> store.compactedRevision() == 20);
        assertCompactedTo(store, 20, 10, 30);
    }

    @Test
    void aLongChangeLogIsCompactedInStepsWhileWritesGoOn() throws Exception {
        EmbeddedStore store = open(TestConfig.in(folder, Map.of("watchHistory", 100_000)));
        for (int i = 0; i < 1_800; i++) { // more than three steps of forgetting
            store.create("/registry/pods/default/p" + i, bytes("x"));
        }
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 200; i++) {
                store.create("/registry/pods/default/during" + i, bytes("y"));
            }
        });
        writer.start();
        store.compact(1_700);
        writer.join();
        assertEquals(1_700, store.compactedRevision());
        assertCompactedTo(store, 1_700, 300, 2_000);
    }

    /**
     * A watch from before the compacted revision is expired, one from it gets every later change,
     * and every current value is still there.
     */
    private void assertCompactedTo(EmbeddedStore store, long revision, int later, int current) {
        StoreException.Compacted compacted = assertThrows(StoreException.Compacted.class,
                () -> store.watch("/registry/pods/", revision - 1, event -> { }));
        assertEquals(revision + 1, compacted.oldestRevision());
        Recorder recent = watch(store, "/registry/pods/", revision);
        await().atMost(Duration.ofSeconds(10)).until(() -> recent.events.size() == later);
        assertEquals(current, store.list("/registry/").entries().size(), "compaction keeps every current value");
    }

    @Test
    void thePageCacheIsAsLargeAsConfiguredAndASmallOneLosesNothing() throws Exception {
        EmbeddedStore small = open(TestConfig.in(folder, Map.of("cacheSizeMb", 1)));
        assertEquals(1, small.cacheSizeMb());
        writeConcurrently(small, 8, 200); // 3,200 writes, each page of them through a 1 MB cache
        assertEquals(1600, small.list("/registry/").entries().size());
        assertEquals(16, open(TestConfig.in(folder.resolve("default"))).cacheSizeMb());
    }

    @Test
    void everyWriteIsThereAfterARestartAndRevisionsGoOn() throws Exception {
        EmbeddedStore store = open(TestConfig.in(folder));
        writeConcurrently(store, 8, 50);
        store.delete("/registry/pods/default/w0-0", 0);
        long revision = store.currentRevision();
        StoredPage before = store.snapshot();
        store.deactivate();
        open.remove(store);

        EmbeddedStore reopened = open(TestConfig.in(folder));
        assertEquals(revision, reopened.currentRevision());
        assertPagesEqual(before, reopened.snapshot());
        Recorder history = watch(reopened, "/registry/", 0);
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

        EmbeddedStore reopened = open(TestConfig.in(folder));
        for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
            StoredEntry entry = reopened.get(ack.getKey()).orElseThrow(() -> new AssertionError(ack.getKey() + " was lost"));
            assertEquals(ack.getValue(), entry.modRevision());
            assertArrayEquals(bytes("value of " + ack.getKey()), entry.value());
        }
        long revision = reopened.currentRevision();
        assertEquals(revision, reopened.list("/registry/").entries().size(), "every stored revision has its object");
        Recorder history = watch(reopened, "/registry/", 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> history.events.size() == revision);
    }

    @Test
    void restoreReplacesTheContentKeepingRevisionsAndEndsOpenWatches() {
        EmbeddedStore source = open(TestConfig.in(folder.resolve("source")));
        for (int i = 0; i < 10; i++) {
            source.create("/registry/pods/default/p" + i, bytes("v" + i));
        }
        source.update("/registry/pods/default/p3", bytes("changed"), 0);
        StoredPage snapshot = source.snapshot();

        EmbeddedStore target = open(TestConfig.in(folder.resolve("target")));
        target.create("/registry/pods/default/gone", bytes("x"));
        Recorder watcher = watch(target, "/registry/", 0);
        target.restore(snapshot);

        assertPagesEqual(snapshot, target.snapshot());
        assertEquals(11, target.currentRevision());
        await().atMost(Duration.ofSeconds(10)).until(() -> watcher.closed instanceof StoreException.Compacted);
        assertEquals(12, target.create("/registry/pods/default/next", bytes("x")).modRevision());
    }

    private EmbeddedStore open(EmbeddedStore.Config config) {
        EmbeddedStore store = new EmbeddedStore(config);
        open.add(store);
        return store;
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
}
