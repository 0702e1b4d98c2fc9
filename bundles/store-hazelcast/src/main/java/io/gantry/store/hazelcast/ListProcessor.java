package io.gantry.store.hazelcast;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.partition.PartitionAwareKey;
import java.io.IOException;
import java.util.Map;

/**
 * Reads every live record under a prefix and the current revision, in one pass of the
 * partition thread over the store's partition, so that no write falls between them: the
 * entries are exactly those at that revision. The revision is the answer for the metadata key.
 */
final class ListProcessor extends StoreProcessor implements ReadOnly {

    private static final long serialVersionUID = 1L;

    private String prefix;

    ListProcessor() {
    }

    ListProcessor(String store, String prefix) {
        super(store);
        this.prefix = prefix;
    }

    @Override
    public byte[] process(Map.Entry<PartitionAwareKey<String, String>, byte[]> entry) {
        String key = entry.getKey().getKey();
        if (HazelcastStore.META_KEY.equals(key)) {
            RevisionClock clock = clock();
            if (clock.actAsPrimary() && isRecordedPrimary(entry.getValue())) {
                return Outcome.revision(Outcome.OK, clock.current());
            }
            clock.untrust();
            return Outcome.of(Outcome.CLOCK_UNTRUSTED);
        }
        byte[] record = entry.getValue();
        return Records.isLive(record) && key.startsWith(prefix) ? record : null;
    }

    @Override
    public EntryProcessor<PartitionAwareKey<String, String>, byte[], byte[]> getBackupProcessor() {
        return null;
    }

    @Override
    public int getClassId() {
        return StoreSerialization.LIST;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        super.writeData(out);
        out.writeString(prefix);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        super.readData(in);
        prefix = in.readString();
    }
}
