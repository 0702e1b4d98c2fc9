package io.gantry.store.embedded;

import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoredEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The byte layouts kept on disk: plain bytes, so the file does not depend on any class's
 * serialised form.
 *
 * <p>An object is {@code createRevision, modRevision, value}. A change (keyed by its revision)
 * is {@code type, time, createRevision, keyLength, key, value}, where a DELETE holds the last
 * value, and {@code time} (epoch milliseconds) lets compaction forget changes by age.
 */
final class Records {

    private static final byte PUT = 1;
    private static final byte DELETE = 2;

    private Records() {
    }

    static byte[] object(StoredEntry entry) {
        byte[] value = entry.value();
        return ByteBuffer.allocate(16 + value.length)
                .putLong(entry.createRevision()).putLong(entry.modRevision()).put(value).array();
    }

    static StoredEntry object(String key, byte[] record) {
        ByteBuffer buffer = ByteBuffer.wrap(record);
        long createRevision = buffer.getLong();
        long modRevision = buffer.getLong();
        byte[] value = new byte[buffer.remaining()];
        buffer.get(value);
        return new StoredEntry(key, value, createRevision, modRevision);
    }

    static byte[] change(StoreEvent event, long time) {
        StoredEntry entry = event.entry();
        byte[] key = entry.key().getBytes(StandardCharsets.UTF_8);
        byte[] value = entry.value();
        return ByteBuffer.allocate(1 + 8 + 8 + 4 + key.length + value.length)
                .put(event.type() == StoreEvent.Type.PUT ? PUT : DELETE)
                .putLong(time)
                .putLong(entry.createRevision())
                .putInt(key.length).put(key)
                .put(value)
                .array();
    }

    static StoreEvent change(long revision, byte[] record) {
        ByteBuffer buffer = ByteBuffer.wrap(record);
        StoreEvent.Type type = buffer.get() == PUT ? StoreEvent.Type.PUT : StoreEvent.Type.DELETE;
        buffer.getLong();
        long createRevision = buffer.getLong();
        byte[] key = new byte[buffer.getInt()];
        buffer.get(key);
        byte[] value = new byte[buffer.remaining()];
        buffer.get(value);
        return new StoreEvent(type, new StoredEntry(new String(key, StandardCharsets.UTF_8), value, createRevision, revision));
    }

    static long changeTime(byte[] record) {
        return ByteBuffer.wrap(record, 1, 8).getLong();
    }
}
