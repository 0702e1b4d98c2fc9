package io.gantry.store.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.partition.PartitionAwareKey;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;

/**
 * One create, update or delete, run on the primary of the store's partition: checks the key's
 * state, takes the next revision and writes the record in one step of the partition thread. The
 * record is the change: the map's event journal records it in the same step, and the backup
 * ({@link ReplicateRecord}) carries the very same bytes, so a write, its revision and its event
 * exist together on every replica or not at all.
 */
final class WriteProcessor extends StoreProcessor {

    private static final long serialVersionUID = 1L;

    static final byte CREATE = 1;
    static final byte UPDATE = 2;
    static final byte DELETE = 3;

    private byte operation;
    private long expectedModRevision;
    private UUID writeId;
    private byte[] value;
    private transient byte[] written;

    WriteProcessor() {
    }

    WriteProcessor(String store, byte operation, long expectedModRevision, byte[] value) {
        super(store);
        this.operation = operation;
        this.expectedModRevision = expectedModRevision;
        this.writeId = UUID.randomUUID();
        this.value = value;
    }

    @Override
    public byte[] process(Map.Entry<PartitionAwareKey<String, String>, byte[]> entry) {
        RevisionClock clock = clock();
        if (!clock.actAsPrimary()) {
            return Outcome.of(Outcome.CLOCK_UNTRUSTED);
        }
        if (!isRecordedPrimary(readMeta())) {
            // Another member numbered writes since this one last did: its clock is stale.
            clock.untrust();
            return Outcome.of(Outcome.CLOCK_UNTRUSTED);
        }
        byte[] current = entry.getValue();
        if (current != null && writeId.equals(Records.writeId(current))) {
            // Hazelcast retried this write after a member loss, and it had been applied.
            return Outcome.ok(current);
        }
        boolean live = Records.isLive(current);
        if (operation == CREATE && live) {
            return Outcome.revision(Outcome.EXISTS, Records.modRevision(current));
        }
        if (operation != CREATE && !live) {
            return Outcome.of(Outcome.NOT_FOUND);
        }
        if (operation != CREATE && expectedModRevision != 0 && Records.modRevision(current) != expectedModRevision) {
            return Outcome.revision(Outcome.CONFLICT, Records.modRevision(current));
        }
        long revision = clock.next();
        written = switch (operation) {
            case CREATE -> Records.record(Records.LIVE, revision, revision, writeId, value);
            case UPDATE -> Records.record(Records.LIVE, Records.createRevision(current), revision, writeId, value);
            default -> Records.record(Records.TOMBSTONE, Records.createRevision(current), revision, writeId,
                    Records.value(current));
        };
        entry.setValue(written);
        return Outcome.ok(written);
    }

    @Override
    public EntryProcessor<PartitionAwareKey<String, String>, byte[], byte[]> getBackupProcessor() {
        return written == null ? null : new ReplicateRecord(store, written);
    }

    @Override
    public int getClassId() {
        return StoreSerialization.WRITE;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        super.writeData(out);
        out.writeByte(operation);
        out.writeLong(expectedModRevision);
        out.writeLong(writeId.getMostSignificantBits());
        out.writeLong(writeId.getLeastSignificantBits());
        out.writeByteArray(value);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        super.readData(in);
        operation = in.readByte();
        expectedModRevision = in.readLong();
        writeId = new UUID(in.readLong(), in.readLong());
        value = in.readByteArray();
    }
}
