package io.gantry.store.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.partition.PartitionAwareKey;
import java.io.IOException;
import java.util.Map;

/**
 * Removes the tombstones of deletes at or below the compacted revision, on the primary and, as
 * the same pass, on the backups. The removals reach the journal as removals, which are no changes.
 */
final class TombstoneSweep extends StoreProcessor {

    private static final long serialVersionUID = 1L;

    private long compacted;

    TombstoneSweep() {
    }

    TombstoneSweep(String store, long compacted) {
        super(store);
        this.compacted = compacted;
    }

    @Override
    public byte[] process(Map.Entry<PartitionAwareKey<String, String>, byte[]> entry) {
        byte[] record = entry.getValue();
        if (record != null && Records.kind(record) == Records.TOMBSTONE && Records.modRevision(record) <= compacted) {
            entry.setValue(null);
        }
        return null;
    }

    @Override
    public EntryProcessor<PartitionAwareKey<String, String>, byte[], byte[]> getBackupProcessor() {
        return this;
    }

    @Override
    public int getClassId() {
        return StoreSerialization.TOMBSTONE_SWEEP;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        super.writeData(out);
        out.writeLong(compacted);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        super.readData(in);
        compacted = in.readLong();
    }
}
