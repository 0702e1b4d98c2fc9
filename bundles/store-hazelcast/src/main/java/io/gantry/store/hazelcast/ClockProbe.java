package io.gantry.store.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.partition.PartitionAwareKey;
import java.io.IOException;
import java.util.Map;

/**
 * Reads the primary's current revision, on the metadata key; with a {@link ClockSync} result,
 * first trusts the clock again (the second half of rebuilding it) and records this member as
 * the primary in the metadata record, replicated like a write.
 */
final class ClockProbe extends StoreProcessor {

    private static final long serialVersionUID = 1L;

    private long highest = -1;
    private long epoch;
    private boolean primaryLost;
    private transient byte[] written;

    ClockProbe() {
    }

    /** Reads the current revision. */
    ClockProbe(String store) {
        super(store);
    }

    /**
     * Trusts the clock with what a {@link ClockSync} in {@code epoch} found, then reads it;
     * {@code primaryLost}: the member that wrote the newest record is no longer in the cluster.
     */
    ClockProbe(String store, long highest, long epoch, boolean primaryLost) {
        super(store);
        this.highest = highest;
        this.epoch = epoch;
        this.primaryLost = primaryLost;
    }

    @Override
    public byte[] process(Map.Entry<PartitionAwareKey<String, String>, byte[]> entry) {
        RevisionClock clock = clock();
        clock.actAsPrimary();
        byte[] meta = entry.getValue();
        if (highest >= 0) {
            clock.trust(highest, epoch, primaryLost);
            if (clock.trusted() && !isRecordedPrimary(meta)) {
                written = Records.meta(Records.metaCompacted(meta), Records.metaRestoreRevision(meta),
                        Records.metaRestoreEpoch(meta), localMember());
                entry.setValue(written);
                meta = written;
            }
        }
        if (clock.trusted() && isRecordedPrimary(meta)) {
            return Outcome.revision(Outcome.OK, clock.current());
        }
        clock.untrust();
        return Outcome.of(Outcome.CLOCK_UNTRUSTED);
    }

    @Override
    public EntryProcessor<PartitionAwareKey<String, String>, byte[], byte[]> getBackupProcessor() {
        return written == null ? null : new ReplicateRecord(store, written);
    }

    @Override
    public int getClassId() {
        return StoreSerialization.CLOCK_PROBE;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        super.writeData(out);
        out.writeLong(highest);
        out.writeLong(epoch);
        out.writeBoolean(primaryLost);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        super.readData(in);
        highest = in.readLong();
        epoch = in.readLong();
        primaryLost = in.readBoolean();
    }
}
