package io.gantry.store.hazelcast;

import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoredEntry;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * The byte layouts kept in Hazelcast: plain bytes only, so that no class of any bundle is ever
 * stored in the cluster and a bundle swap cannot strand stored data.
 *
 * <p>An object record is {@code kind, createRevision, modRevision, writeId, value}, where kind
 * is {@link #LIVE} or {@link #TOMBSTONE} (a deleted key keeps its last value and the revision of
 * the delete until compaction, so that the delete is a change like any other). The writeId lets a
 * write that Hazelcast retries after a member loss find that it was already applied.
 *
 * <p>The store's one metadata record is {@code META, compactedRevision, restoreRevision,
 * restoreEpoch, primary}: primary is the member whose revision clock may number writes (see
 * {@link RevisionClock}); the record moves with the partition, so a member that is no longer
 * that one finds out before it writes.
 */
final class Records {

    static final byte LIVE = 1;
    static final byte TOMBSTONE = 2;
    static final byte META = 3;

    private static final int HEADER = 1 + 8 + 8 + 16;
    private static final UUID NOBODY = new UUID(0, 0);

    private Records() {
    }

    static byte[] record(byte kind, long createRevision, long modRevision, UUID writeId, byte[] value) {
        return ByteBuffer.allocate(HEADER + value.length).put(kind).putLong(createRevision).putLong(modRevision)
                .putLong(writeId.getMostSignificantBits()).putLong(writeId.getLeastSignificantBits())
                .put(value).array();
    }

    static byte kind(byte[] record) {
        return record[0];
    }

    static boolean isLive(byte[] record) {
        return record != null && record[0] == LIVE;
    }

    static long createRevision(byte[] record) {
        return ByteBuffer.wrap(record).getLong(1);
    }

    static long modRevision(byte[] record) {
        return ByteBuffer.wrap(record).getLong(9);
    }

    static UUID writeId(byte[] record) {
        ByteBuffer buffer = ByteBuffer.wrap(record);
        return new UUID(buffer.getLong(17), buffer.getLong(25));
    }

    static byte[] value(byte[] record) {
        byte[] value = new byte[record.length - HEADER];
        System.arraycopy(record, HEADER, value, 0, value.length);
        return value;
    }

    static StoredEntry entry(String key, byte[] record) {
        return new StoredEntry(key, value(record), createRevision(record), modRevision(record));
    }

    /** The change a record stands for: a tombstone is the delete, a live record the put. */
    static StoreEvent event(String key, byte[] record) {
        return new StoreEvent(kind(record) == TOMBSTONE ? StoreEvent.Type.DELETE : StoreEvent.Type.PUT, entry(key, record));
    }

    static byte[] meta(long compactedRevision, long restoreRevision, long restoreEpoch, UUID primary) {
        UUID member = primary == null ? NOBODY : primary;
        return ByteBuffer.allocate(41).put(META).putLong(compactedRevision).putLong(restoreRevision).putLong(restoreEpoch)
                .putLong(member.getMostSignificantBits()).putLong(member.getLeastSignificantBits()).array();
    }

    /** The member recorded as the primary allowed to number writes; null if none yet. */
    static UUID metaPrimary(byte[] meta) {
        if (meta == null) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(meta);
        UUID primary = new UUID(buffer.getLong(25), buffer.getLong(33));
        return primary.equals(NOBODY) ? null : primary;
    }

    static long metaCompacted(byte[] meta) {
        return meta == null ? 0 : ByteBuffer.wrap(meta).getLong(1);
    }

    static long metaRestoreRevision(byte[] meta) {
        return meta == null ? 0 : ByteBuffer.wrap(meta).getLong(9);
    }

    static long metaRestoreEpoch(byte[] meta) {
        return meta == null ? 0 : ByteBuffer.wrap(meta).getLong(17);
    }

    /** The highest revision a record mentions, for rebuilding the revision clock. */
    static long highestRevision(byte[] record) {
        if (record == null) {
            return 0;
        }
        if (kind(record) == META) {
            return Math.max(metaCompacted(record), metaRestoreRevision(record));
        }
        return Math.max(createRevision(record), modRevision(record));
    }
}
