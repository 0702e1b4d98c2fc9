package io.gantry.store.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.partition.PartitionAwareKey;
import java.io.IOException;
import java.util.UUID;

/**
 * The base of the store's entry processors. They travel between members as identified data
 * (a factory id and a class id, see {@link StoreSerialization}), never by class name, so that a
 * member deserializes them through the factory its store bundle registered, whatever class
 * loader Hazelcast was given in OSGi. Each names its store, whose {@link RevisionClock} it finds
 * in the member it runs on.
 */
abstract class StoreProcessor implements EntryProcessor<PartitionAwareKey<String, String>, byte[], byte[]>,
        IdentifiedDataSerializable, HazelcastInstanceAware {

    private static final long serialVersionUID = 1L;

    protected String store;
    private transient HazelcastInstance member;

    protected StoreProcessor() {
    }

    protected StoreProcessor(String store) {
        this.store = store;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance member) {
        this.member = member;
    }

    /** The member this processor runs on. */
    protected UUID localMember() {
        return member.getCluster().getLocalMember().getUuid();
    }

    /**
     * Whether this member is the primary the metadata record names, the fence against a clock
     * left over from an earlier turn as primary; read in the partition thread, so current.
     */
    protected boolean isRecordedPrimary(byte[] meta) {
        return localMember().equals(Records.metaPrimary(meta));
    }

    /** The metadata record, read from this processor's partition thread (it shares the partition). */
    protected byte[] readMeta() {
        IMap<PartitionAwareKey<String, String>, byte[]> map = member.getMap(HazelcastStore.mapName(store));
        return map.get(new PartitionAwareKey<>(HazelcastStore.META_KEY, store));
    }

    protected RevisionClock clock() {
        return RevisionClock.of(member, store);
    }

    @Override
    public int getFactoryId() {
        return StoreSerialization.FACTORY_ID;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(store);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        store = in.readString();
    }
}
