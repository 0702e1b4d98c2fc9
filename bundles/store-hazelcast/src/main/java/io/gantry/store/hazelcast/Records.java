package io.gantry.store.hazelcast;

import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoredEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The byte layouts kept in Hazelcast: plain bytes only, so that no class of any bundle is ever
 * serialised into the cluster and a bundle swap cannot strand stored data.
 *
 * <p>An object entry is {@code createRevision, modRevision, value}; an event adds its type and
 * key in front: {@code type, keyLength, key, createRevision, modRevision, value}.
 */
final class Records {

    private static final byte PUT = 1;
    private static final byte DELETE = 2;

    private Records() {
    }

    static byte[] entry(long createRevision, long modRevision, byte[] value) {
        return ByteBuffer.allocate(16 + value.length).putLong(createRevision).putLong(modRevision).put(value).array();
    }

    static StoredEntry entry(String key, byte[] record) {
        ByteBuffer buffer = ByteBuffer.wrap(record);
        long createRevision = buffer.getLong();
        long modRevision = buffer.getLong();
        byte[] value = new byte[buffer.remaining()];
        buffer.get(value);
        return new StoredEntry(key, value, createRevision, modRevision);
    }

    static byte[] event(StoreEvent.Type type, StoredEntry entry) {
        byte[] key = entry.key().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 + key.length + 16 + entry.value().length)
                .put(type == StoreEvent.Type.PUT ? PUT : DELETE)
                .putInt(key.length).put(key)
                .putLong(entry.createRevision()).putLong(entry.modRevision())
                .put(entry.value())
                .array();
    }

    static StoreEvent event(byte[] record) {
        ByteBuffer buffer = ByteBuffer.wrap(record);
        StoreEvent.Type type = buffer.get() == PUT ? StoreEvent.Type.PUT : StoreEvent.Type.DELETE;
        byte[] key = new byte[buffer.getInt()];
        buffer.get(key);
        long createRevision = buffer.getLong();
        long modRevision = buffer.getLong();
        byte[] value = new byte[buffer.remaining()];
        buffer.get(value);
        return new StoreEvent(type, new StoredEntry(new String(key, StandardCharsets.UTF_8), value, createRevision, modRevision));
    }
}
