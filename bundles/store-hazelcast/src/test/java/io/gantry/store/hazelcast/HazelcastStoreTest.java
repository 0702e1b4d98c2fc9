package io.gantry.store.hazelcast;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoreWatchListener;
import io.gantry.api.store.StoredEntry;
import io.gantry.api.store.StoredPage;
import java.lang.annotation.Annotation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Hazelcast backend against real Hazelcast members on loopback. */
class HazelcastStoreTest {

    private final String cluster = "store-test-" + UUID.randomUUID();
    private final List<HazelcastInstance> members = new ArrayList<>();
    private final List<HazelcastStore> stores = new ArrayList<>();

    @AfterEach
    void shutdown() {
        stores.forEach(HazelcastStore::deactivate);
        members.forEach(HazelcastInstance::shutdown);
    }

    @Test
    void writesAreCompareAndSetOnTheRevision() {
        HazelcastStore store = store(100);
        long start = store.currentRevision();

        StoredEntry created = store.create("/registry/pods/default/a", bytes("one"));
        assertEquals(start + 1, created.modRevision());
        assertEquals(created.modRevision(), created.createRevision());
        assertThrows(StoreException.KeyExists.class, () -> store.create("/registry/pods/default/a", bytes("again")));

        StoredEntry updated = store.update("/registry/pods/default/a", bytes("two"), created.modRevision());
        assertEquals(start + 2, updated.modRevision());
        assertEquals(created.createRevision(), updated.createRevision());
        StoreException.Conflict stale = assertThrows(StoreException.Conflict.class,
                () -> store.update("/registry/pods/default/a", bytes("stale"), created.modRevision()));
        assertEquals(updated.modRevision(), stale.actualModRevision());
        assertArrayEquals(bytes("two"), store.get("/registry/pods/default/a").orElseThrow().value(),
                "a rejected write leaves the stored value alone");

        StoredEntry deleted = store.delete("/registry/pods/default/a", 0);
        assertEquals(start + 3, deleted.modRevision());
        assertArrayEquals(bytes("two"), deleted.value());
        assertTrue(store.get("/registry/pods/default/a").isEmpty());
        assertThrows(StoreException.KeyNotFound.class, () -> store.delete("/registry/pods/default/a", 0));
        assertThrows(StoreException.KeyNotFound.class, () -> store.update("/registry/pods/default/a", bytes("x"), 0));
        assertEquals(start + 3, store.currentRevision(), "failed writes take no revision");
    }

    @Test
    void listsByPrefixAtARevision() {
        HazelcastStore store = store(100);
        store.create("/registry/pods/default/b", bytes("b"));
        store.create("/registry/pods/default/a", bytes("a"));
        store.create("/registry/pods/other/c", bytes("c"));
        store.create("/registry/nodes/n1", bytes("n"));

        StoredPage page = store.list("/registry/pods/default/");
        assertEquals(List.of("/registry/pods/default/a", "/registry/pods/default/b"),
                page.entries().stream().map(StoredEntry::key).toList());
        assertEquals(store.currentRevision(), page.revision());
        assertEquals(3, store.list("/registry/pods/").entries().size());
    }

    @Test
    void watchReplaysHistoryThenFollowsEveryChangeOnceInOrder() throws Exception {
        HazelcastStore store = store(10_000);
        store.create("/registry/pods/default/before", bytes("x"));
        long from = store.currentRevision();
        store.create("/registry/pods/default/replayed", bytes("x"));
        store.create("/registry/nodes/ignored", bytes("x"));

        Recorder recorder = new Recorder();
        try (StoreWatch watch = store.watch("/registry/pods/", from, recorder)) {
            ExecutorService writers = Executors.newFixedThreadPool(4);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                done.add(writers.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        String key = "/registry/pods/default/w" + writer + "-" + i;
                        StoredEntry entry = store.create(key, bytes("v"));
                        store.update(key, bytes("v2"), entry.modRevision());
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            writers.shutdown();

            int expected = 1 + 4 * 25 * 2;
            await().atMost(Duration.ofSeconds(20)).until(() -> recorder.events.size() >= expected);
            assertEquals(expected, recorder.events.size(), "each change exactly once");
            assertEquals("/registry/pods/default/replayed", recorder.events.get(0).entry().key());
            for (int i = 1; i < recorder.events.size(); i++) {
                assertTrue(recorder.events.get(i).revision() > recorder.events.get(i - 1).revision(), "in revision order");
            }
            assertTrue(recorder.events.stream().allMatch(e -> e.entry().key().startsWith("/registry/pods/")));
        }
        assertTrue(recorder.closedByOwner);
    }

    @Test
    void watchFromACompactedRevisionIsRefused() {
        HazelcastStore store = store(10);
        for (int i = 0; i < 30; i++) {
            store.create("/registry/pods/default/p" + i, bytes("x"));
        }
        StoreException.Compacted compacted = assertThrows(StoreException.Compacted.class,
                () -> store.watch("/registry/pods/", 1, new Recorder()));
        assertEquals(21, compacted.oldestRevision());
        // the most recent history is still there
        Recorder recent = new Recorder();
        try (StoreWatch watch = store.watch("/registry/pods/", store.currentRevision() - 5, recent)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> recent.events.size() == 5);
        }
    }

    @Test
    void aSecondMemberSeesTheSameStateAndKeepsItWhenTheFirstLeaves() {
        HazelcastStore first = store(100);
        HazelcastStore second = store(100);
        assertEquals(2, members.get(1).getCluster().getMembers().size());

        Recorder recorder = new Recorder();
        second.watch("/registry/pods/", second.currentRevision(), recorder);
        for (int i = 0; i < 50; i++) {
            first.create("/registry/pods/default/p" + i, bytes("v" + i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.events.size() == 50);

        stores.remove(first);
        first.deactivate();
        members.remove(0).shutdown();

        assertEquals(50, second.list("/registry/pods/").entries().size(), "no object lost with the member");
        StoredEntry next = second.create("/registry/pods/default/after", bytes("x"));
        assertEquals(51 + recorder.events.get(0).revision() - 1, next.modRevision(), "revisions go on from where they were");
    }

    private HazelcastStore store(int history) {
        Config config = new Config().setClusterName(cluster)
                .setProperty("hazelcast.phone.home.enabled", "false")
                .setProperty("hazelcast.logging.type", "slf4j")
                .setProperty("hazelcast.wait.seconds.before.join", "0");
        config.getJetConfig().setEnabled(false);
        config.getNetworkConfig().setPort(15701).setPortAutoIncrement(true).setPortCount(50);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true)
                .setMembers(List.of("127.0.0.1:15701", "127.0.0.1:15702", "127.0.0.1:15703"));
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        members.add(member);
        HazelcastStore store = new HazelcastStore(member, new HazelcastStore.Config() {
            @Override
            public int watchHistory() {
                return history;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return HazelcastStore.Config.class;
            }
        });
        stores.add(store);
        return store;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private static final class Recorder implements StoreWatchListener {
        final List<StoreEvent> events = new CopyOnWriteArrayList<>();
        volatile boolean closedByOwner;

        @Override
        public void onEvent(StoreEvent event) {
            events.add(event);
        }

        @Override
        public void onClose(StoreException cause) {
            closedByOwner = cause == null;
        }
    }
}
