package io.gantry.store.hazelcast;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.partition.PartitionAwareKey;
import io.gantry.api.Configs;
import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoreWatchListener;
import io.gantry.api.store.StoredEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the Hazelcast backend promises beyond the common contract, on real members. */
class HazelcastStoreTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final List<HazelcastInstance> members = new ArrayList<>();
    private final List<HazelcastStore> stores = new ArrayList<>();

    @AfterEach
    void shutdown() {
        stores.forEach(HazelcastStore::deactivate);
        members.forEach(m -> m.getLifecycleService().terminate());
    }

    @Test
    void aMemberLeftInAMinorityRefusesWritesAsUnavailableAndChangesNothing() {
        members.addAll(TestMembers.start(2, 15731, null));
        HazelcastStore store = store(members.get(0),
                Configs.of(HazelcastStore.Config.class, Map.of("watchHistory", 1000, "watchQueue", 100)));
        StoredEntry before = store.create("/registry/pods/default/a", bytes("1"));
        store.checkWritable();

        members.remove(1).getLifecycleService().terminate();
        await().atMost(DEADLINE).until(() -> members.get(0).getCluster().getMembers().size() == 1);

        // The minority is noticed by Hazelcast's split-brain check shortly after the member leaves.
        await().atMost(DEADLINE).until(() -> {
            try {
                store.create("/registry/pods/default/probe", bytes("x"));
                store.delete("/registry/pods/default/probe", 0);
                return false;
            } catch (StoreException.Unavailable refused) {
                return true;
            }
        });
        StoreException.Unavailable refused = assertThrows(StoreException.Unavailable.class,
                () -> store.update("/registry/pods/default/a", bytes("2"), before.modRevision()));
        assertTrue(refused.getMessage().contains("majority"), refused.getMessage());
        assertThrows(StoreException.Unavailable.class, store::checkWritable, "it says so before any write");
        assertArrayEquals(bytes("1"), store.get("/registry/pods/default/a").orElseThrow().value(), "reads still answer");
        assertEquals(before.modRevision(), store.get("/registry/pods/default/a").orElseThrow().modRevision());
    }

    @Test
    void aWatchThatFallsBehindIsEndedWithoutDelayingTheOthers() {
        members.addAll(TestMembers.start(1, 15741, null));
        HazelcastStore store = store(members.get(0),
                Configs.of(HazelcastStore.Config.class, Map.of("watchHistory", 1000, "watchQueue", 100)));
        CountDownLatch release = new CountDownLatch(1);
        Recorder slow = new Recorder() {
            @Override
            public void onEvent(StoreEvent event) {
                super.onEvent(event);
                await().atMost(DEADLINE).until(() -> release.getCount() == 0);
            }
        };
        Recorder fast = new Recorder();
        long start = store.currentRevision();
        try (StoreWatch slowWatch = store.watch("/registry/", start, slow);
                StoreWatch fastWatch = store.watch("/registry/", start, fast)) {
            for (int round = 0; round < 30; round++) {
                for (int i = 0; i < 10; i++) {
                    store.create("/registry/pods/default/p" + round + "-" + i, bytes("v"));
                }
                // The fast watch keeps up (its backlog stays at ten, a tenth of the limit) ...
                int written = (round + 1) * 10;
                await().atMost(DEADLINE).until(() -> fast.events.size() == written || fast.closed != null);
            }
            // ... while the slow one, stuck on its first change, has fallen behind.

            await().atMost(DEADLINE).until(() -> fast.events.size() == 300 || fast.closed != null);
            assertNull(fast.closed, "the fast watch goes on");
            assertEquals(300, fast.events.size());
            assertEquals(1, slow.events.size(), "the slow listener is still on its first change");
            release.countDown();
            await().atMost(DEADLINE).until(() -> slow.closed != null);
            assertInstanceOf(StoreException.Compacted.class, slow.closed, "ended as expired, so that it relists");
        }
    }

    @Test
    void aThousandWatchesOnOneMemberGetEveryChange() {
        members.addAll(TestMembers.start(1, 15751, null));
        HazelcastStore store = store(members.get(0), TestMembers.defaults());
        long start = store.currentRevision();
        List<Recorder> recorders = new ArrayList<>();
        List<StoreWatch> watches = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Recorder recorder = new Recorder();
            recorders.add(recorder);
            watches.add(store.watch("/registry/pods/", start, recorder));
        }
        for (int i = 0; i < 50; i++) {
            store.create("/registry/pods/default/p" + i, bytes("v"));
        }
        await().atMost(DEADLINE).until(() -> recorders.stream().allMatch(r -> r.events.size() == 50));
        assertTrue(recorders.stream().allMatch(r -> r.closed == null));
        watches.forEach(StoreWatch::close);
    }

    @Test
    void whenThePrimaryDiesNoAcknowledgedWriteIsLostAndNoRevisionIsGivenTwice() {
        members.addAll(TestMembers.start(3, 15761, null));
        String name = "failover";
        HazelcastInstance primary = TestMembers.owner(members, name);
        HazelcastInstance user = members.stream().filter(m -> m != primary).findFirst().orElseThrow();
        HazelcastStore store = new HazelcastStore(user, TestMembers.defaults(), name);
        stores.add(store);
        Map<String, StoredEntry> acknowledged = new TreeMap<>();
        for (int i = 0; i < 200; i++) {
            StoredEntry entry = store.create("/registry/pods/default/p" + i, bytes("v" + i));
            acknowledged.put(entry.key(), entry);
        }
        long highest = store.currentRevision();
        Recorder watcher = new Recorder();
        store.watch("/registry/", highest, watcher);

        members.remove(primary);
        primary.getLifecycleService().terminate();
        await().atMost(DEADLINE).until(() -> user.getCluster().getMembers().size() == 2);

        for (StoredEntry entry : acknowledged.values()) {
            StoredEntry kept = store.get(entry.key()).orElseThrow(() -> new AssertionError(entry.key() + " lost"));
            assertArrayEquals(entry.value(), kept.value());
            assertEquals(entry.modRevision(), kept.modRevision());
        }
        assertEquals(200, store.list("/registry/pods/").entries().size());
        StoredEntry next = store.create("/registry/pods/default/after", bytes("x"));
        assertTrue(next.modRevision() > highest + RevisionClock.FAILOVER_GAP,
                "the promoted primary numbers above anything the dead one could have given: " + next.modRevision());
        await().atMost(DEADLINE).until(() -> watcher.closed != null);
        assertInstanceOf(StoreException.Compacted.class, watcher.closed, "watches relist after a member loss");
        Recorder again = new Recorder();
        try (StoreWatch watch = store.watch("/registry/", store.currentRevision(), again)) {
            StoredEntry later = store.update("/registry/pods/default/after", bytes("y"), next.modRevision());
            await().atMost(DEADLINE).until(() -> again.events.size() == 1);
            assertEquals(later.modRevision(), again.events.get(0).revision());
        }
    }

    @Test
    void whenAMemberJoinsAndTakesThePartitionRevisionsGoOnWithoutAGap() {
        String cluster = "store-join-" + UUID.randomUUID();
        List<Integer> ports = List.of(15791, 15792, 15793);
        HazelcastInstance first = Hazelcast.newHazelcastInstance(TestMembers.config(cluster, List.of(15791), 0));
        members.add(first);
        List<HazelcastStore> several = new ArrayList<>();
        List<Long> revisions = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            HazelcastStore store = new HazelcastStore(first, TestMembers.defaults(), "join" + i);
            stores.add(store);
            several.add(store);
            revisions.add(store.create("/registry/pods/default/a", bytes("1")).modRevision());
        }

        for (int i = 1; i < 3; i++) {
            members.add(Hazelcast.newHazelcastInstance(TestMembers.config(cluster, ports, i)));
        }
        await().atMost(DEADLINE).until(() -> first.getCluster().getMembers().size() == 3
                && first.getPartitionService().isClusterSafe());
        TestMembers.awaitQuorum(members);

        long moved = IntStream.range(0, several.size())
                .filter(i -> !first.getPartitionService().getPartition("join" + i).getOwner().localMember()).count();
        assertTrue(moved > 0, "some store partitions moved to the new members");
        for (int i = 0; i < several.size(); i++) {
            StoredEntry next = several.get(i).update("/registry/pods/default/a", bytes("2"), 0);
            assertEquals(revisions.get(i) + 1, next.modRevision(), "store " + i + ": a migration is no failover");
        }
    }

    @Test
    void aMemberWhosePrimaryTurnEndedRebuildsItsClockBeforeNumberingAgain() {
        members.addAll(TestMembers.start(2, 15796, null));
        String name = "fence";
        HazelcastInstance owner = TestMembers.owner(members, name);
        HazelcastInstance other = members.stream().filter(m -> m != owner).findFirst().orElseThrow();
        HazelcastStore store = new HazelcastStore(owner, TestMembers.defaults(), name);
        stores.add(store);
        long trusted = store.create("/registry/pods/default/a", bytes("1")).modRevision();

        // Meanwhile the other member was primary and numbered up to 500 (as after the partition
        // went there and came back): its record and the metadata naming it moved with the partition.
        IMap<PartitionAwareKey<String, String>, byte[]> raw = owner.getMap(HazelcastStore.mapName(name));
        raw.set(new PartitionAwareKey<>("/registry/pods/default/b", name),
                Records.record(Records.LIVE, 500, 500, UUID.randomUUID(), bytes("2")));
        raw.set(new PartitionAwareKey<>(HazelcastStore.META_KEY, name),
                Records.meta(0, 0, 0, other.getCluster().getLocalMember().getUuid()));

        StoredEntry next = store.update("/registry/pods/default/a", bytes("3"), trusted);

        assertEquals(501, next.modRevision(), "numbered after the other primary's writes, not after its own old clock");
    }

    private HazelcastStore store(HazelcastInstance member, HazelcastStore.Config config) {
        HazelcastStore store = new HazelcastStore(member, config, "objects");
        stores.add(store);
        return store;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private static class Recorder implements StoreWatchListener {
        final List<StoreEvent> events = new CopyOnWriteArrayList<>();
        final AtomicInteger closes = new AtomicInteger();
        volatile StoreException closed;

        @Override
        public void onEvent(StoreEvent event) {
            events.add(event);
        }

        @Override
        public void onClose(StoreException cause) {
            closes.incrementAndGet();
            closed = cause;
        }
    }
}
