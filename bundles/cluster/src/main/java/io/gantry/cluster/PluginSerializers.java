package io.gantry.cluster;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets plugin bundles send their own Hazelcast operations (entry processors) between members
 * without Hazelcast loading their classes by name. A member's serialization factories are fixed
 * when it starts, so the member gets one delegate per configured factory id, and each delegate
 * calls whichever factory a plugin bundle currently publishes under that id as an OSGi service
 * (property {@value #FACTORY_ID}). Updating or swapping the plugin swaps the factory; no
 * class loader of the plugin is ever handed to Hazelcast.
 */
final class PluginSerializers {

    /** The service property that gives a published factory's id. */
    static final String FACTORY_ID = "hazelcast.dataserializable.factory.id";

    private final Map<Integer, DataSerializableFactory> published = new ConcurrentHashMap<>();

    void publish(int factoryId, DataSerializableFactory factory) {
        published.put(factoryId, factory);
    }

    void withdraw(int factoryId, DataSerializableFactory factory) {
        published.remove(factoryId, factory);
    }

    /** The factory the member is configured with for {@code factoryId}. */
    DataSerializableFactory delegate(int factoryId) {
        return classId -> create(factoryId, classId);
    }

    private IdentifiedDataSerializable create(int factoryId, int classId) {
        DataSerializableFactory factory = published.get(factoryId);
        if (factory == null) {
            throw new HazelcastSerializationException("No bundle on this member publishes Hazelcast factory " + factoryId
                    + " (for the hazelcast store: install feature gantry-store-hazelcast on every member that holds data)");
        }
        return factory.create(classId);
    }
}
