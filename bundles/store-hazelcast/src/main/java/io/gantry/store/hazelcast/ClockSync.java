package io.gantry.store.hazelcast;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.partition.PartitionAwareKey;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.UUID;

/**
 * The first half of rebuilding a primary's {@link RevisionClock}: one pass over the store's
 * partition answering, for each record, its highest revision and the member that wrote it; the
 * metadata key answers the clock's epoch instead, which {@link ClockProbe} checks so that a role
 * change in between is not missed.
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
        ByteBuffer answer = ByteBuffer.allocate(24).putLong(Records.highestRevision(record));
        if (HazelcastStore.META_KEY.equals(entry.getKey().getKey())) {
            RevisionClock clock = clock();
            clock.actAsPrimary();
            return answer.putLong(clock.epoch()).array();
        }
        UUID writer = Records.writer(record);
        return answer.putLong(writer.getMostSignificantBits()).putLong(writer.getLeastSignificantBits()).array();
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
