package io.gantry.apiserver.storage;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.Watch;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.client.WatchListener;
import io.gantry.api.core.v1.ConfigMap;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.KubeList;
import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.migration.Migration;
import io.gantry.apiserver.Registry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live migration through the registry on the real backends, hazelcast → embedded → etcd, while
 * writers create and update config maps: every acknowledged write is there afterwards with its
 * last value (and its resourceVersion, or one renumbered above the copy where the backend cannot
 * keep it), a watcher sees increasing resourceVersions throughout (relisting
 * once per switch when told 410) and ends with the same objects as the store.
 */
class MigrationOnRealBackendsTest {

    private static final int WRITERS = 4;
    private static final int WRITES_PER_PHASE = 300;

    @TempDir
    Path folder;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    @Test
    void hazelcastToEmbeddedToEtcdUnderWriteLoadLosesNothing() throws Exception {
        HazelcastInstance member = RealBackends.hazelcastMember();
        cleanup.add(member::shutdown);
        RealBackends.EtcdServer etcdServer = new RealBackends.EtcdServer(folder);
        cleanup.add(etcdServer);
        StorageBackend hazelcast = backend(RealBackends.hazelcast(member));
        StorageBackend embedded = backend(RealBackends.embedded(folder.resolve("embedded")));
        StorageBackend etcd = backend(RealBackends.etcd(etcdServer.endpoint()));
        Registry registry = new Registry("hazelcast");
        registry.addBackend("hazelcast", hazelcast);
        registry.addBackend("embedded", embedded);
        registry.addBackend("etcd", etcd);
        registry.ensureSystemNamespaces();
        cleanup.add(() -> registry.watches().close());

        RecordingWatcher watcher = new RecordingWatcher(registry);
        cleanup.add(watcher);
        watcher.start();
        Writers writers = new Writers(registry);
        cleanup.add(writers);
        writers.start();

        writers.awaitMore(WRITES_PER_PHASE);
        Migration toEmbedded = registry.migrate("embedded", step -> { });
        writers.awaitMore(WRITES_PER_PHASE);
        List<Migration> toEtcdSteps = new CopyOnWriteArrayList<>();
        Migration toEtcd = registry.migrate("etcd", toEtcdSteps::add);
        writers.awaitMore(WRITES_PER_PHASE);
        writers.stop();

        System.out.printf("Writes acknowledged: %d, failed: %s; to embedded: %d objects in %d ms; to etcd: %d objects"
                        + " in %d ms; watcher relists: %d%n", writers.writes.get(), writers.failures, toEmbedded.objects(),
                Duration.between(toEmbedded.started(), toEmbedded.finished()).toMillis(), toEtcd.objects(),
                Duration.between(toEtcd.started(), toEtcd.finished()).toMillis(), watcher.relists.get());
        // a write may wait for a copy and be refused (503), or find its object renumbered by the
        // copy into etcd (409, as any stale resourceVersion: the client reads again); nothing else
        assertEquals(List.of(), writers.failures.stream().filter(f -> !f.startsWith("409 ") && !f.startsWith("503 ")).toList());
        assertEquals(Migration.State.DONE, toEmbedded.state(), toEmbedded.message());
        assertEquals(Migration.State.DONE, toEtcd.state(), toEtcd.message());
        Migration last = registry.lastMigration().orElseThrow();
        assertEquals(Migration.State.DONE, last.state(), last.message());
        assertEquals("etcd", last.target());
        assertEquals("etcd", registry.inUse());
        long copiedAt = toEtcdSteps.stream().filter(step -> step.state() == Migration.State.COPYING)
                .findFirst().orElseThrow().revision();

        Map<String, ConfigMap> stored = new HashMap<>();
        for (ConfigMap configMap : registry.list(ResourceKind.CONFIG_MAPS, "default", ListOptions.ALL).items) {
            stored.put(configMap.metadata.name, configMap);
        }
        for (Map.Entry<String, ConfigMap> ack : writers.acknowledged.entrySet()) {
            String name = ack.getKey();
            String attempted = writers.inDoubt.get(name);
            ConfigMap found = stored.get(name);
            if (attempted == null) {
                assertTrue(found != null, name + " was acknowledged and is lost");
                assertEquals(ack.getValue().data, found.data, name);
                // etcd cannot set revisions: a restore there renumbers what it copies into
                // (snapshot revision, revision after the copy] (StorageBackend#restore); what was
                // written later keeps its own
                long acked = Long.parseLong(ack.getValue().metadata.resourceVersion);
                long now = Long.parseLong(found.metadata.resourceVersion);
                boolean renumbered = acked <= copiedAt && now > copiedAt && now <= toEtcd.revision();
                assertTrue(now == acked || renumbered, name + " was acknowledged at resourceVersion " + acked
                        + " and is at " + now + " after a copy of revision " + copiedAt + " that went on from "
                        + toEtcd.revision());
            } else {
                // a write that failed may or may not have happened, nothing else
                assertTrue(found != null && (found.data.equals(ack.getValue().data) || attempted.equals(found.data.get("value"))),
                        name + " holds " + (found == null ? "nothing" : found.data) + ", neither its acknowledged "
                                + ack.getValue().data + " nor the attempted " + attempted);
            }
        }

        assertEquals(List.of(), watcher.violations, "resourceVersions a watcher saw went backwards");
        assertTrue(watcher.relists.get() <= 2, "the watcher relisted " + watcher.relists.get() + " times for two switches");
        assertEquals(List.of(), watcher.otherEnds, "the watch ended otherwise than with 410");
        Map<String, String> expected = new HashMap<>();
        stored.forEach((name, configMap) -> expected.put(name, configMap.metadata.resourceVersion));
        await().atMost(Duration.ofSeconds(30)).until(() -> watcher.view().equals(expected));
    }

    private StorageBackend backend(StorageBackend backend) {
        cleanup.add(() -> RealBackends.deactivate(backend));
        return backend;
    }

    /**
     * Writer threads: each creates config maps and updates each twice, remembering what was
     * acknowledged; a write whose outcome is unknown (anything but a conflict) is kept in doubt.
     */
    private static final class Writers implements AutoCloseable {
        final Map<String, ConfigMap> acknowledged = new ConcurrentHashMap<>();
        /** Names whose last write failed, with the value it tried to write. */
        final Map<String, String> inDoubt = new ConcurrentHashMap<>();
        private final Registry registry;
        private final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger writes = new AtomicInteger();
        final List<String> failures = new CopyOnWriteArrayList<>();
        private final ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        private final List<Future<?>> futures = new ArrayList<>();

        Writers(Registry registry) {
            this.registry = registry;
        }

        void start() {
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                futures.add(pool.submit(() -> {
                    for (int i = 0; running.get(); i++) {
                        write("w" + writer + "-" + i);
                    }
                    return null;
                }));
            }
        }

        private void write(String name) {
            ConfigMap current;
            try {
                current = registry.create(ResourceKind.CONFIG_MAPS, configMap(name, "0"));
            } catch (ApiException e) {
                failures.add(e.code() + " " + name + ": " + e.getMessage());
                return; // never acknowledged: nothing to check
            }
            acknowledged.put(name, current);
            writes.incrementAndGet();
            for (int version = 1; version <= 2; version++) {
                ConfigMap next = Json.copy(current);
                next.data = Map.of("value", Integer.toString(version));
                try {
                    current = registry.update(ResourceKind.CONFIG_MAPS, next);
                } catch (ApiException e) {
                    failures.add(e.code() + " " + name + ": " + e.getMessage());
                    if (!e.isConflict()) {
                        inDoubt.put(name, Integer.toString(version)); // refused or not, we cannot tell
                    }
                    return;
                }
                acknowledged.put(name, current);
                writes.incrementAndGet();
            }
        }

        void awaitMore(int count) {
            int target = writes.get() + count;
            await().atMost(Duration.ofSeconds(120)).until(() -> writes.get() >= target);
        }

        void stop() throws Exception {
            running.set(false);
            for (Future<?> future : futures) {
                future.get();
            }
        }

        @Override
        public void close() {
            running.set(false);
            pool.shutdownNow();
        }

        private static ConfigMap configMap(String name, String value) {
            ConfigMap configMap = new ConfigMap();
            configMap.metadata.name = name;
            configMap.metadata.namespace = "default";
            configMap.data = Map.of("value", value);
            return configMap;
        }
    }

    /**
     * An informer in miniature: lists, watches from the list's resourceVersion, and on 410 lists
     * and watches again; it checks that no resourceVersion it is given is older than one it had.
     */
    private static final class RecordingWatcher implements AutoCloseable {
        final List<String> violations = new CopyOnWriteArrayList<>();
        final List<String> otherEnds = new CopyOnWriteArrayList<>();
        final AtomicInteger relists = new AtomicInteger();
        private final Registry registry;
        private final Map<String, String> versions = new HashMap<>();
        private final ExecutorService relister = Executors.newSingleThreadExecutor();
        private long lastSeen;
        private Watch watch;
        private boolean closed;

        RecordingWatcher(Registry registry) {
            this.registry = registry;
        }

        synchronized void start() {
            if (closed) {
                return;
            }
            KubeList<ConfigMap> list = registry.list(ResourceKind.CONFIG_MAPS, "default", ListOptions.ALL);
            long listed = Long.parseLong(list.metadata.resourceVersion);
            if (listed < lastSeen) {
                violations.add("list at " + listed + " after " + lastSeen);
            }
            lastSeen = Math.max(lastSeen, listed);
            versions.clear();
            list.items.forEach(item -> versions.put(item.metadata.name, item.metadata.resourceVersion));
            watch = registry.watch(ResourceKind.CONFIG_MAPS, "default", ListOptions.ALL.from(list.metadata.resourceVersion),
                    new WatchListener<>() {
                        @Override
                        public void onEvent(WatchEvent<ConfigMap> event) {
                            seen(event);
                        }

                        @Override
                        public void onClose(ApiException cause) {
                            ended(cause);
                        }
                    });
        }

        private synchronized void seen(WatchEvent<ConfigMap> event) {
            long version = Long.parseLong(event.object().metadata.resourceVersion);
            if (version <= lastSeen) {
                violations.add(event.type() + " " + event.object().metadata.name + " at " + version + " after " + lastSeen);
            }
            lastSeen = Math.max(lastSeen, version);
            switch (event.type()) {
                case ADDED, MODIFIED -> versions.put(event.object().metadata.name, event.object().metadata.resourceVersion);
                case DELETED -> versions.remove(event.object().metadata.name);
                default -> {
                }
            }
        }

        private void ended(ApiException cause) {
            synchronized (this) {
                if (closed) {
                    return;
                }
            }
            if (cause != null && cause.code() == 410) {
                relists.incrementAndGet();
            } else {
                otherEnds.add(cause == null ? "ended by the server" : cause.getMessage());
            }
            relister.execute(this::start);
        }

        synchronized Map<String, String> view() {
            return new HashMap<>(versions);
        }

        @Override
        public void close() {
            Watch current;
            synchronized (this) {
                closed = true;
                current = watch;
            }
            if (current != null) {
                current.close();
            }
            relister.shutdownNow();
        }
    }

}
