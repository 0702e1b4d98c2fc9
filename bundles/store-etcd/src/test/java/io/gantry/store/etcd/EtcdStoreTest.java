package io.gantry.store.etcd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.Configs;
import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StorageBackendConformance;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoredEntry;
import io.gantry.api.store.StoredPage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etcd backend against a real etcd server (one for the class, each backend under a key prefix
 * of its own): the conformance suite, lists across pages, a restore that must renumber, and a
 * restart of etcd and the backend.
 */
class EtcdStoreTest extends StorageBackendConformance {

    @TempDir
    static Path folder;

    private static EtcdServer etcd;
    private static int backends;
    private final List<EtcdStore> open = new ArrayList<>();

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = new EtcdServer(folder);
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        etcd.close();
    }

    @AfterEach
    void stop() {
        open.forEach(EtcdStore::deactivate);
    }

    @Override
    protected StorageBackend newBackend() {
        return open("/gantry-test-" + ++backends);
    }

    @Test
    void listsByPrefixInKeyOrderAcrossPages() {
        EtcdStore store = open("/gantry-test-" + ++backends);
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
    void restoreRenumbersAboveTheSnapshotAndEndsOpenWatches() {
        String prefix = "/gantry-test-" + ++backends;
        EtcdStore store = open(prefix);
        store.create("/registry/pods/default/gone", bytes("x"));
        Recorder watcher = watch(store, "/registry/", store.currentRevision());
        // a snapshot from a backend far ahead of this etcd: its revisions cannot be kept
        long snapshot = store.currentRevision() + 1000;
        List<StoredEntry> entries = List.of(
                new StoredEntry("/registry/pods/default/a", bytes("a"), snapshot - 500, snapshot - 300),
                new StoredEntry("/registry/pods/default/b", bytes("b"), snapshot - 400, snapshot - 400));
        store.restore(new StoredPage(entries, snapshot));

        await().atMost(Duration.ofSeconds(10)).until(() -> watcher.closed instanceof StoreException.Compacted);
        StoredPage restored = store.snapshot();
        assertEquals(List.of("/registry/pods/default/a", "/registry/pods/default/b"),
                restored.entries().stream().map(StoredEntry::key).toList());
        assertArrayEquals(bytes("a"), restored.entries().get(0).value());
        assertTrue(restored.entries().stream().allMatch(e -> e.modRevision() > snapshot), "renumbered above the snapshot");
        assertEquals(snapshot, store.compactedRevision(), "history before the restore is gone");
        assertEquals(snapshot + 2, store.currentRevision());

        // a watch from the snapshot's revision sees the restored entries, then later changes
        Recorder after = watch(store, "/registry/", snapshot);
        StoredEntry next = store.create("/registry/pods/default/c", bytes("c"));
        await().atMost(Duration.ofSeconds(10)).until(() -> after.events.size() == 3);
        assertEquals(next.modRevision(), after.events.get(2).revision());
        assertThrows(StoreException.Compacted.class, () -> store.watch("/registry/", snapshot - 1, event -> { }));

        // a second backend on the same etcd reads the same revisions
        EtcdStore other = open(prefix);
        assertEquals(store.currentRevision(), other.currentRevision());
        assertEquals(next.modRevision(), other.get("/registry/pods/default/c").orElseThrow().modRevision());
    }

    @Test
    void aRestartOfEtcdAndTheBackendLosesNothingAndAnOpenWatchResumes() throws Exception {
        String prefix = "/gantry-test-" + ++backends;
        EtcdStore store = open(prefix);
        writeConcurrently(store, 4, 25);
        StoredPage before = store.snapshot();
        EtcdStore watching = open(prefix);
        Recorder survivor = watch(watching, "/registry/", before.revision());

        etcd.stop();
        store.deactivate();
        open.remove(store);
        etcd.start();

        EtcdStore restarted = open(prefix);
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

    @Test
    void aBackendStartsWhileEtcdIsAwayAndAnswersUnavailableUntilItIsBack() throws Exception {
        etcd.stop();
        EtcdStore store;
        try {
            store = open("/gantry-test-" + ++backends);
            StoreException.Unavailable away = assertThrows(StoreException.Unavailable.class,
                    () -> store.create("/registry/pods/default/a", bytes("a")));
            assertTrue(away.getMessage().startsWith("etcd at " + etcd.endpoint() + " does not answer"), away.getMessage());
        } finally {
            etcd.start();
        }
        StoredEntry created = store.create("/registry/pods/default/a", bytes("a"));
        assertEquals(created.modRevision(), store.currentRevision());
    }

    private EtcdStore open(String keyPrefix) {
        EtcdStore store = new EtcdStore(Configs.of(EtcdStore.Config.class, Map.of(
                "endpoints", etcd.endpoint().toString(), "keyPrefix", keyPrefix, "compactionIntervalMinutes", 0)));
        open.add(store);
        return store;
    }
}
