package io.gantry.store.hazelcast;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import org.osgi.service.component.annotations.Component;

/**
 * Makes the store's entry processors from their ids on whichever member receives them. Every
 * member must know this factory under {@link #FACTORY_ID}: in Gantry the cluster bundle registers
 * a delegate for it that calls the factory this bundle publishes as an OSGi service, so
 * Hazelcast never loads a class of this bundle by name.
 */
@Component(service = DataSerializableFactory.class,
        property = StoreSerialization.FACTORY_ID_PROPERTY + ":Integer=" + StoreSerialization.FACTORY_ID)
public final class StoreSerialization implements DataSerializableFactory {

    /** The factory id of the Hazelcast store's processors (cluster configuration refers to it). */
    public static final int FACTORY_ID = 1700;

    /** The service property under which the cluster bundle finds factories by id. */
    public static final String FACTORY_ID_PROPERTY = "hazelcast.dataserializable.factory.id";

    static final int WRITE = 1;
    static final int REPLICATE = 2;
    static final int LIST = 3;
    static final int CLOCK_SYNC = 4;
    static final int CLOCK_PROBE = 5;
    static final int META = 6;
    static final int TOMBSTONE_SWEEP = 7;

    @Override
    public IdentifiedDataSerializable create(int classId) {
        return switch (classId) {
            case WRITE -> new WriteProcessor();
            case REPLICATE -> new ReplicateRecord();
            case LIST -> new ListProcessor();
            case CLOCK_SYNC -> new ClockSync();
            case CLOCK_PROBE -> new ClockProbe();
            case META -> new MetaProcessor();
            case TOMBSTONE_SWEEP -> new TombstoneSweep();
            default -> null;
        };
    }
}
