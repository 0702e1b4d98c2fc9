package io.gantry.store.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.partition.PartitionAwareKey;
import java.io.IOException;
import java.util.Map;

/**
 * Changes the store's metadata record on the primary: a compaction raises the compacted revision
 * (never above the current one); a restore moves the clock to at least the snapshot's revision,
 * compacts everything up to there and starts a new restore epoch, which ends every open watch (a
 * member that merged back after a split does the same at the current revision).
 * Like a write, the new record goes to the journal and, as the same bytes, to the backups.
 */
final class MetaProcessor extends StoreProcessor {

    private static final long serialVersionUID = 1L;

    static final byte COMPACT = 1;
    static final byte RESTORE = 2;

    private byte operation;
    private long revision;
    private transient byte[] written;

    MetaProcessor() {
    }

    MetaProcessor(String store, byte operation, long revision) {
        super(store);
        this.operation = operation;
        this.revision = revision;
    }

    @Override
    public byte[] process(Map.Entry<PartitionAwareKey<String, String>, byte[]> entry) {
        RevisionClock clock = clock();
        byte[] meta = entry.getValue();
        if (!clock.actAsPrimary() || !isRecordedPrimary(meta)) {
            clock.untrust();
            return Outcome.of(Outcome.CLOCK_UNTRUSTED);
        }
        long compacted = Records.metaCompacted(meta);
        if (operation == COMPACT) {
            written = Records.meta(Math.max(compacted, Math.min(revision, clock.current())),
                    Records.metaRestoreRevision(meta), Records.metaRestoreEpoch(meta), Records.metaPrimary(meta));
        } else {
            clock.advanceTo(revision);
            long floor = clock.current();
            written = Records.meta(floor, floor, Records.metaRestoreEpoch(meta) + 1, Records.metaPrimary(meta));
        }
        entry.setValue(written);
        return Outcome.ok(written);
    }

    @Override
    public EntryProcessor<PartitionAwareKey<String, String>, byte[], byte[]> getBackupProcessor() {
        return written == null ? null : new ReplicateRecord(store, written);
    }

    @Override
    public int getClassId() {
        return StoreSerialization.META;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        super.writeData(out);
        out.writeByte(operation);
        out.writeLong(revision);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        super.readData(in);
        operation = in.readByte();
        revision = in.readLong();
    }
}
