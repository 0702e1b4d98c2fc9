package io.gantry.store.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoredEntry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file's layout stays what it was when the maps held plain byte arrays: a file of either kind
 * reads the same, whichever wrote it.
 */
class RecordsTest {

    private static final String FILE = "gantry-store.mv.db";
    private static final String KEY = "/registry/pods/default/web";

    @TempDir
    Path folder;

    @Test
    void aFileWhoseMapsHeldPlainByteArraysIsReadAsBefore() throws Exception {
        byte[] first = "{\"v\":1}".getBytes(UTF_8);
        byte[] second = "{\"v\":2,\"long\":\"%s\"}".formatted("x".repeat(300)).getBytes(UTF_8);
        try (MVStore plain = MVStore.open(folder.resolve(FILE).toString())) {
            MVMap<String, byte[]> objects = plain.openMap("objects");
            MVMap<Long, byte[]> changes = plain.openMap("changes");
            MVMap<String, Long> counters = plain.openMap("counters");
            objects.put(KEY, object(1, 2, second));
            changes.put(1L, change(1, 1, KEY, first));
            changes.put(2L, change(1, 1, KEY, second));
            counters.put("revision", 2L);
            plain.commit();
        }

        EmbeddedStore store = new EmbeddedStore(TestConfig.in(folder));
        try {
            StoredEntry entry = store.get(KEY).orElseThrow();
            assertEquals(1, entry.createRevision());
            assertEquals(2, entry.modRevision());
            assertArrayEquals(second, entry.value());
            List<StoreEvent> replayed = new CopyOnWriteArrayList<>();
            try (StoreWatch ignored = store.watch("/registry/pods/", 0, replayed::add)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> replayed.size() == 2);
            }
            assertEquals(1, replayed.get(0).revision());
            assertArrayEquals(first, replayed.get(0).entry().value());
            assertEquals(2, replayed.get(1).revision());
            assertArrayEquals(second, replayed.get(1).entry().value());
            assertEquals(3, store.delete(KEY, 2).modRevision());
        } finally {
            store.deactivate();
        }
    }

    @Test
    void theStoreWritesEachRecordAsOnePlainByteArray() {
        byte[] value = "{\"kind\":\"Pod\"}".getBytes(UTF_8);
        EmbeddedStore store = new EmbeddedStore(TestConfig.in(folder));
        StoredEntry created;
        try {
            created = store.create(KEY, value);
            assertSame(value, created.value(), "the array is kept, not copied");
        } finally {
            store.deactivate();
        }

        try (MVStore plain = MVStore.open(folder.resolve(FILE).toString())) {
            MVMap<String, byte[]> objects = plain.openMap("objects");
            MVMap<Long, byte[]> changes = plain.openMap("changes");
            assertArrayEquals(object(1, 1, value), objects.get(KEY));
            long time = ByteBuffer.wrap(changes.get(1L), 1, 8).getLong();
            assertArrayEquals(change(1, time, KEY, value), changes.get(1L));
        }
    }

    /** The layout of an object before these types: {@code createRevision, modRevision, value}. */
    private static byte[] object(long createRevision, long modRevision, byte[] value) {
        return ByteBuffer.allocate(16 + value.length).putLong(createRevision).putLong(modRevision).put(value).array();
    }

    /** The layout of a PUT before these types: {@code type, time, createRevision, keyLength, key, value}. */
    private static byte[] change(long createRevision, long time, String key, byte[] value) {
        byte[] keyBytes = key.getBytes(UTF_8);
        return ByteBuffer.allocate(1 + 8 + 8 + 4 + keyBytes.length + value.length)
                .put((byte) 1).putLong(time).putLong(createRevision).putInt(keyBytes.length).put(keyBytes).put(value)
                .array();
    }
}
