package io.gantry.store.embedded;

import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoredEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;

/**
 * What the maps hold, and the byte layouts kept on disk: plain bytes, so the file does not depend
 * on any class's serialised form.
 *
 * <p>An object is {@code createRevision, modRevision, value}. A change (keyed by its revision)
 * is {@code type, time, createRevision, keyLength, key, value}, where a DELETE holds the last
 * value, and {@code time} (epoch milliseconds) lets compaction forget changes by age.
 *
 * <p>In memory, the object, its change and the entry handed back all hold the one array the
 * writer gave: a pod lives in each map's pages, in the API server's watch history and in the
 * reply, and three copies of it made every create leave some 5 KB for the collector to copy
 * (benchmarks/README.md, api-open). On disk each record is a byte array as H2's
 * {@link ObjectDataType} writes one (the format of files written before these types), so files
 * of either kind read the same.
 */
final class Records {

    private static final byte PUT = 1;
    private static final byte DELETE = 2;
    /** {@link ObjectDataType}'s tags of an array, then of its component type {@code byte}. */
    private static final byte ARRAY = 14;
    private static final byte OF_BYTES = 1;
    /**
     * A record's object and its value array's header, estimated: the cache counts a record at
     * about its size in memory, where H2's estimate of a plain byte array was twice its length
     * plus 128 bytes (so the same cacheSizeMb now holds about twice the pages it held before).
     */
    private static final int OVERHEAD = 64;

    private Records() {
    }

    /** An object's revisions and value. */
    record Stored(long createRevision, long modRevision, byte[] value) {

        static Stored of(StoredEntry entry) {
            return new Stored(entry.createRevision(), entry.modRevision(), entry.value());
        }

        StoredEntry entry(String key) {
            return new StoredEntry(key, value, createRevision, modRevision);
        }
    }

    /** A change: its type, when it was made, and the entry after it (for a delete, the last value). */
    record Change(boolean deleted, long time, long createRevision, String key, byte[] value) {

        static Change of(StoreEvent event, long time) {
            StoredEntry entry = event.entry();
            return new Change(event.type() == StoreEvent.Type.DELETE, time, entry.createRevision(), entry.key(),
                    entry.value());
        }

        StoreEvent event(long revision) {
            return new StoreEvent(deleted ? StoreEvent.Type.DELETE : StoreEvent.Type.PUT,
                    new StoredEntry(key, value, createRevision, revision));
        }
    }

    /** The objects map's values. */
    static final class StoredType extends BasicDataType<Stored> {

        static final StoredType INSTANCE = new StoredType();

        @Override
        public int getMemory(Stored record) {
            return OVERHEAD + record.value().length;
        }

        @Override
        public void write(WriteBuffer buffer, Stored record) {
            byteArray(buffer, 16 + record.value().length)
                    .putLong(record.createRevision()).putLong(record.modRevision()).put(record.value());
        }

        @Override
        public Stored read(ByteBuffer buffer) {
            ByteBuffer record = byteArray(buffer);
            long createRevision = record.getLong();
            long modRevision = record.getLong();
            return new Stored(createRevision, modRevision, rest(record));
        }

        @Override
        public Stored[] createStorage(int size) {
            return new Stored[size];
        }
    }

    /** The change log's values. */
    static final class ChangeType extends BasicDataType<Change> {

        static final ChangeType INSTANCE = new ChangeType();

        @Override
        public int getMemory(Change change) {
            return 2 * OVERHEAD + change.key().length() + change.value().length;
        }

        @Override
        public void write(WriteBuffer buffer, Change change) {
            byte[] key = change.key().getBytes(StandardCharsets.UTF_8);
            byteArray(buffer, 1 + 8 + 8 + 4 + key.length + change.value().length)
                    .put(change.deleted() ? DELETE : PUT)
                    .putLong(change.time())
                    .putLong(change.createRevision())
                    .putInt(key.length).put(key)
                    .put(change.value());
        }

        @Override
        public Change read(ByteBuffer buffer) {
            ByteBuffer record = byteArray(buffer);
            boolean deleted = record.get() != PUT;
            long time = record.getLong();
            long createRevision = record.getLong();
            byte[] key = new byte[record.getInt()];
            record.get(key);
            return new Change(deleted, time, createRevision, new String(key, StandardCharsets.UTF_8), rest(record));
        }

        @Override
        public Change[] createStorage(int size) {
            return new Change[size];
        }
    }

    /** Starts a byte array of the given length (at least 16) as {@link ObjectDataType} writes one. */
    private static WriteBuffer byteArray(WriteBuffer buffer, int length) {
        return buffer.put(ARRAY).put(OF_BYTES).putVarInt(length);
    }

    /** The bytes of an array {@link ObjectDataType} wrote, as a buffer over the page's own. */
    private static ByteBuffer byteArray(ByteBuffer buffer) {
        int start = buffer.position();
        if (buffer.get() == ARRAY && buffer.get() == OF_BYTES) {
            int length = DataUtils.readVarInt(buffer);
            ByteBuffer record = buffer.slice(buffer.position(), length);
            buffer.position(buffer.position() + length);
            return record;
        }
        // any other form the generic type may have chosen
        buffer.position(start);
        return ByteBuffer.wrap((byte[]) new ObjectDataType().read(buffer));
    }

    private static byte[] rest(ByteBuffer record) {
        byte[] value = new byte[record.remaining()];
        record.get(value);
        return value;
    }
}
