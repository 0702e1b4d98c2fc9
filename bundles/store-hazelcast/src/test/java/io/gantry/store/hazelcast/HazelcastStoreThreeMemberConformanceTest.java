package io.gantry.store.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StorageBackendConformance;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The storage contract on three members in one JVM. Each backend is used from a member that does
 * not own the store's partition, so every write, list and compaction is an entry processor sent
 * to another member and its backup to a third; the members' class loader cannot see this
 * bundle's classes, so every processor is made by the registered factory, as in OSGi.
 */
class HazelcastStoreThreeMemberConformanceTest extends StorageBackendConformance {

    private static List<HazelcastInstance> members;
    private final List<HazelcastStore> stores = new ArrayList<>();

    @BeforeAll
    static void startMembers() {
        members = TestMembers.start(3, 15711, new StoreClassesHidden());
    }

    @AfterAll
    static void stopMembers() {
        members.forEach(HazelcastInstance::shutdown);
    }

    @AfterEach
    void stopStores() {
        stores.forEach(HazelcastStore::deactivate);
    }

    @Override
    protected StorageBackend newBackend() {
        String name = "t" + UUID.randomUUID();
        HazelcastInstance owner = TestMembers.owner(members, name);
        HazelcastInstance user = members.stream().filter(m -> m != owner).findFirst().orElseThrow();
        HazelcastStore store = new HazelcastStore(user, TestMembers.defaults(), name);
        stores.add(store);
        return store;
    }

    @Test
    void theMembersCannotLoadTheStoreClassesByNameYetRunTheStoreProcessors() {
        assertEquals(3, members.get(0).getCluster().getMembers().size());
        assertThrows(ClassNotFoundException.class,
                () -> Class.forName(WriteProcessor.class.getName(), false, members.get(0).getConfig().getClassLoader()));
        // A processor that travels by class name fails on the member that owns the key ...
        String name = "t" + UUID.randomUUID();
        HazelcastInstance owner = TestMembers.owner(members, name);
        HazelcastInstance user = members.stream().filter(m -> m != owner).findFirst().orElseThrow();
        IMap<String, byte[]> plain = user.getMap("plain-" + name);
        assertThrows(HazelcastSerializationException.class, () -> plain.executeOnKey(name, new ByClassName()));
        // ... while the store's, made by the factory, run there.
        HazelcastStore store = (HazelcastStore) newBackend();
        assertNotEquals(0, store.create("/registry/pods/default/a", bytes("x")).modRevision());
    }

    /** Serialized with its class name, as the store's processors must not be. */
    private static final class ByClassName implements EntryProcessor<String, byte[], byte[]>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] process(Map.Entry<String, byte[]> entry) {
            return entry.getValue();
        }
    }
}
