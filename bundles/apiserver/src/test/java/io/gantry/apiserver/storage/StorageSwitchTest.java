package io.gantry.apiserver.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoreWatchListener;
import io.gantry.api.store.StoredEntry;
import io.gantry.api.store.migration.Migration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The switch between storage backends, on the API's in-memory backends. */
class StorageSwitchTest {

    private final InMemoryStorageBackend hazelcast = new InMemoryStorageBackend();
    private final InMemoryStorageBackend embedded = new InMemoryStorageBackend();
    private final StorageSwitch storage = new StorageSwitch("hazelcast", Duration.ofSeconds(10));

    StorageSwitchTest() {
        storage.add("hazelcast", hazelcast);
        storage.add("embedded", embedded);
    }

    @Test
    void aMigrationUnderWriteLoadLosesNoAcknowledgedWrite() throws Exception {
        Map<String, StoredEntry> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int writer = w;
            writers.add(pool.submit(() -> {
                for (int i = 0; running.get(); i++) {
                    String key = "/registry/configmaps/default/w" + writer + "-" + i;
                    StoredEntry created = storage.write(store -> store.create(key, bytes("v1")));
                    StoredEntry updated = storage.write(store -> store.update(key, bytes("v2"), created.modRevision()));
                    acknowledged.put(key, updated);
                    writes.incrementAndGet();
                }
                return null;
            }));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> writes.get() >= 200);
        List<Migration> steps = new CopyOnWriteArrayList<>();

        Migration done = storage.migrate("embedded", steps::add);

        int atSwitch = writes.get();
        await().atMost(Duration.ofSeconds(20)).until(() -> writes.get() >= atSwitch + 200);
        running.set(false);
        for (Future<?> writer : writers) {
            writer.get();
        }
        pool.shutdown();

        assertEquals(Migration.State.DONE, done.state(), done.message());
        assertEquals(List.of(Migration.State.GATING, Migration.State.COPYING, Migration.State.DONE),
                steps.stream().map(Migration::state).toList());
        assertEquals("embedded", storage.inUse());
        for (Map.Entry<String, StoredEntry> ack : acknowledged.entrySet()) {
            StoredEntry stored = embedded.get(ack.getKey()).orElseThrow(() -> new AssertionError(ack.getKey() + " was lost"));
            assertArrayEquals(bytes("v2"), stored.value());
            assertEquals(ack.getValue().modRevision(), stored.modRevision(), "revisions kept across the migration");
        }
        assertEquals(done.objects(), hazelcast.list("").entries().size(), "nothing written to the old backend after the copy");
        assertTrue(hazelcast.currentRevision() <= done.revision());
        assertTrue(embedded.currentRevision() > done.revision(), "the writes that waited went on in the new backend");
    }

    @Test
    void watchesEndAtTheSwitchSoThatTheirOwnersListAgain() {
        storage.write(store -> store.create("/registry/pods/default/a", bytes("a")));
        Recorder before = new Recorder();
        storage.watch("/registry/", 0, before);
        await().atMost(Duration.ofSeconds(10)).until(() -> before.events.size() == 1);

        Migration done = storage.migrate("embedded", migration -> { });

        assertInstanceOf(StoreException.Compacted.class, before.closed);
        Recorder after = new Recorder();
        storage.watch("/registry/", done.revision(), after);
        StoredEntry next = storage.write(store -> store.create("/registry/pods/default/b", bytes("b")));
        await().atMost(Duration.ofSeconds(10)).until(() -> after.events.size() == 1);
        assertEquals(next.modRevision(), after.events.get(0).revision());
        assertTrue(next.modRevision() > done.revision(), "revisions keep increasing for watchers");
        assertEquals(1, before.closeCalls.get());
    }

    @Test
    void aMigrationToABackendThatIsNotInstalledChangesNothing() {
        storage.write(store -> store.create("/registry/pods/default/a", bytes("a")));

        Migration refused = storage.migrate("etcd", migration -> { });

        assertEquals(Migration.State.FAILED, refused.state());
        assertEquals("the storage backend 'etcd' is not installed (installed: embedded, hazelcast)", refused.message());
        assertEquals("hazelcast", storage.inUse());
        assertTrue(storage.current().get("/registry/pods/default/a").isPresent());
        assertEquals(Migration.State.FAILED, storage.migrate("hazelcast", m -> { }).state());
    }

    @Test
    void withoutTheBackendInUseTheStoreIsUnavailableAndSaysWhatToDo() {
        storage.remove("hazelcast", hazelcast);

        StoreException.Unavailable unavailable = assertThrows(StoreException.Unavailable.class,
                () -> storage.write(store -> store.get("/registry/pods/default/a")));
        assertEquals("the storage backend 'hazelcast' is not installed (installed: embedded); install its feature "
                + "or change 'storage' in io.gantry.apiserver.cfg", unavailable.getMessage());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private static final class Recorder implements StoreWatchListener {
        final List<StoreEvent> events = new CopyOnWriteArrayList<>();
        final AtomicInteger closeCalls = new AtomicInteger();
        volatile StoreException closed;

        @Override
        public void onEvent(StoreEvent event) {
            events.add(event);
        }

        @Override
        public void onClose(StoreException cause) {
            closeCalls.incrementAndGet();
            closed = cause;
        }
    }
}
