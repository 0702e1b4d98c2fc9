package io.gantry.store.hazelcast;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoredEntry;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three data members in three JVMs; this JVM writes through a lite member (it holds no data).
 * Under a steady write load the process of the member that owns the store's partition is killed
 * with SIGKILL: every write that was acknowledged must still be there, with its revision, and no
 * revision may have been given to two writes.
 */
class MemberKillTest {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final List<Integer> DATA_PORTS = List.of(15771, 15772, 15773);
    private static final int WRITER_PORT = 15774;

    private final String cluster = "store-kill-" + UUID.randomUUID();
    private final List<Process> processes = new ArrayList<>();
    private final Map<UUID, Process> processOfMember = new ConcurrentHashMap<>();
    private HazelcastInstance writer;
    private HazelcastStore store;

    @AfterEach
    void stop() throws Exception {
        if (store != null) {
            store.deactivate();
        }
        if (writer != null) {
            writer.getLifecycleService().terminate();
        }
        for (Process process : processes) {
            process.getOutputStream().close();
        }
        for (Process process : processes) {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void killingThePrimaryMemberUnderLoadLosesNoAcknowledgedWrite() throws Exception {
        for (int port : DATA_PORTS) {
            startDataMember(port);
        }
        Config config = TestMembers.configOnPort(cluster, DATA_PORTS, WRITER_PORT).setLiteMember(true);
        writer = Hazelcast.newHazelcastInstance(config);
        await().atMost(DEADLINE).until(() -> writer.getCluster().getMembers().size() == 4);
        TestMembers.awaitQuorum(List.of(writer));
        store = new HazelcastStore(writer, TestMembers.defaults(), "objects");

        Map<String, StoredEntry> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong slowestWrite = new AtomicLong();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService writers = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int id = w;
            done.add(writers.submit(() -> {
                for (int i = 0; writing.get(); i++) {
                    String key = "/registry/configmaps/default/w" + id + "-" + i;
                    long start = System.nanoTime();
                    try {
                        StoredEntry entry = store.create(key, ("value " + i).getBytes(UTF_8));
                        slowestWrite.accumulateAndGet(System.nanoTime() - start, Math::max);
                        acknowledged.put(key, entry);
                        if (i % 3 == 0) {
                            acknowledged.put(key, store.update(key, ("updated " + i).getBytes(UTF_8), entry.modRevision()));
                        }
                    } catch (StoreException e) {
                        // not acknowledged: it may or may not have been made
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        await().atMost(DEADLINE).until(() -> acknowledged.size() >= 500);

        Member owner = writer.getPartitionService().getPartition("objects").getOwner();
        Process victim = processOfMember.get(owner.getUuid());
        int before = acknowledged.size();
        Process kill = new ProcessBuilder("kill", "-KILL", String.valueOf(victim.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
        await().atMost(DEADLINE).until(() -> writer.getCluster().getMembers().size() == 3);
        await().atMost(DEADLINE).until(() -> acknowledged.size() >= before + 500);
        writing.set(false);
        for (Future<?> future : done) {
            future.get();
        }
        writers.shutdown();

        assertTrue(!victim.isAlive(), "the primary's process is gone");
        Map<String, StoredEntry> stored = new ConcurrentHashMap<>();
        store.list("/registry/configmaps/").entries().forEach(e -> stored.put(e.key(), e));
        for (StoredEntry entry : acknowledged.values()) {
            StoredEntry kept = stored.get(entry.key());
            assertTrue(kept != null, "acknowledged write lost: " + entry.key());
            StoredEntry read = store.get(entry.key()).orElseThrow();
            assertArrayEquals(entry.value(), read.value(), entry.key());
            assertEquals(entry.modRevision(), read.modRevision(), entry.key());
        }
        Set<Long> revisions = new HashSet<>();
        for (StoredEntry entry : stored.values()) {
            assertTrue(revisions.add(entry.modRevision()), "revision " + entry.modRevision() + " given twice");
        }
        long highest = acknowledged.values().stream().mapToLong(StoredEntry::modRevision).max().orElseThrow();
        assertTrue(store.currentRevision() >= highest);
        System.out.printf("member kill: %d writes acknowledged (%d before the kill), %d refused or unknown, all kept;"
                + " slowest acknowledged create %d ms%n", acknowledged.size(), before, failed.get(),
                slowestWrite.get() / 1_000_000);
    }

    private void startDataMember(int port) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                StoreMemberMain.class.getName(), cluster, String.valueOf(port)));
        DATA_PORTS.forEach(p -> command.add(String.valueOf(p)));
        File log = new File("target/member-" + port + ".log");
        Files.deleteIfExists(log.toPath());
        Process process = new ProcessBuilder(command).redirectErrorStream(false)
                .redirectError(log).start();
        processes.add(process);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("STARTED ")) {
                processOfMember.put(UUID.fromString(line.substring(8).trim()), process);
                return;
            }
        }
        throw new IOException("the member on port " + port + " ended before it started; see " + log);
    }
}
