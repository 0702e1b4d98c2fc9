package io.gantry.store.hazelcast;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.partition.PartitionAwareKey;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.UUID;

/**
 * The first half of rebuilding a primary's {@link RevisionClock}: one pass over the store's
 * partition answering, for each record, its highest revision; the metadata key also answers the
 * clock's epoch, which {@link ClockProbe} checks so that a role change in between is not missed,
 * and the primary it records.
 */
final class ClockSync extends StoreProcessor implements ReadOnly {

    private static final long serialVersionUID = 1L;

    ClockSync() {
    }

    ClockSync(String store) {
        super(store);
    }

    @Override
    public byte[] process(Map.Entry<PartitionAwareKey<String, String>, byte[]> entry) {
        byte[] record = entry.getValue();
        long highest = Records.highestRevision(record);
        if (!HazelcastStore.META_KEY.equals(entry.getKey().getKey())) {
            return ByteBuffer.allocate(8).putLong(highest).array();
        }
        RevisionClock clock = clock();
        clock.actAsPrimary();
        UUID primary = Records.metaPrimary(record);
        return ByteBuffer.allocate(32).putLong(highest).putLong(clock.epoch())
                .putLong(primary == null ? 0 : primary.getMostSignificantBits())
                .putLong(primary == null ? 0 : primary.getLeastSignificantBits()).array();
    }

    @Override
    public EntryProcessor<PartitionAwareKey<String, String>, byte[], byte[]> getBackupProcessor() {
        return null;
    }

    @Override
    public int getClassId() {
        return StoreSerialization.CLOCK_SYNC;
    }
}
