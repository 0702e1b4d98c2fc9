package io.gantry.store.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.partition.PartitionAwareKey;
import java.io.IOException;
import java.util.Map;

/**
 * The backup of a record the primary wrote: the same bytes, and this member's revision clock
 * moved up to the revisions they carry.
 */
final class ReplicateRecord extends StoreProcessor {

    private static final long serialVersionUID = 1L;

    private byte[] record;

    ReplicateRecord() {
    }

    ReplicateRecord(String store, byte[] record) {
        super(store);
        this.record = record;
    }

    @Override
    public byte[] process(Map.Entry<PartitionAwareKey<String, String>, byte[]> entry) {
        entry.setValue(record);
        clock().observeAsBackup(Records.highestRevision(record));
        return null;
    }

    @Override
    public EntryProcessor<PartitionAwareKey<String, String>, byte[], byte[]> getBackupProcessor() {
        return null;
    }

    @Override
    public int getClassId() {
        return StoreSerialization.REPLICATE;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        super.writeData(out);
        out.writeByteArray(record);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        super.readData(in);
        record = in.readByteArray();
    }
}
