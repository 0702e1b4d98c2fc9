package io.gantry.store.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StorageBackendConformance;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The storage contract on a one-member Hazelcast cluster. */
class HazelcastStoreConformanceTest extends StorageBackendConformance {

    private static List<HazelcastInstance> members;
    private final List<HazelcastStore> stores = new ArrayList<>();

    @BeforeAll
    static void startMember() {
        members = TestMembers.start(1, 15701, null);
    }

    @AfterAll
    static void stopMember() {
        members.forEach(HazelcastInstance::shutdown);
    }

    @AfterEach
    void stopStores() {
        stores.forEach(HazelcastStore::deactivate);
    }

    @Override
    protected StorageBackend newBackend() {
        HazelcastStore store = new HazelcastStore(members.get(0), TestMembers.defaults(), "t" + UUID.randomUUID());
        stores.add(store);
        return store;
    }
}
