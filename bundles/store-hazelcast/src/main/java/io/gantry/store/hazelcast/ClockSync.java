package io.gantry.store.hazelcast;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.partition.PartitionAwareKey;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The first half of rebuilding a primary's {@link RevisionClock}: one pass over the store's
 * partition answering the highest revision of each record; the metadata key also answers the
 * clock's epoch, which {@link ClockProbe} checks so that a role change in between is not missed.
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
        long highest = Records.highestRevision(entry.getValue());
        if (HazelcastStore.META_KEY.equals(entry.getKey().getKey())) {
            RevisionClock clock = clock();
            clock.actAsPrimary();
            return ByteBuffer.allocate(16).putLong(highest).putLong(clock.epoch()).array();
        }
        return ByteBuffer.allocate(8).putLong(highest).array();
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
