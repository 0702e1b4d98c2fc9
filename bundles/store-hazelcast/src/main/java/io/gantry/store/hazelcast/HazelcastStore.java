package io.gantry.store.hazelcast;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.EventJournalConfig;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.internal.journal.EventJournalReader;
import com.hazelcast.map.EventJournalMapEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.partition.PartitionAwareKey;
import com.hazelcast.query.PartitionPredicate;
import com.hazelcast.query.Predicates;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import io.gantry.api.Plugins;
import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoreWatchListener;
import io.gantry.api.store.StoredEntry;
import io.gantry.api.store.StoredPage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster state in Hazelcast, replicated in memory with synchronous backups: it survives the
 * loss of up to {@code backupCount} members at once with nothing acknowledged lost, not the loss
 * of the whole cluster.
 *
 * <h2>Ordering invariant</h2>
 * Every key of the store, and one metadata record, live in one map and, through their partition
 * key, in <em>one partition</em>. Hazelcast runs every operation of a partition on that
 * partition's one thread, so the store's writes are totally ordered without any lock. A write is
 * one entry processor ({@link WriteProcessor}) that, in one step of that thread, checks the
 * compare-and-set, takes the next revision from the primary's {@link RevisionClock}, and stores
 * the record carrying that revision; Hazelcast appends the same record to the map's event
 * journal in that step, and replicates it to the backups as one backup operation carrying the
 * same bytes before the write is acknowledged. Hence:
 * <ul>
 * <li>journal order = partition-thread order = revision order, and the journal record is the
 * watch event (a delete stores a tombstone with its revision and last value), so there is no
 * write without its event on any replica;</li>
 * <li>an acknowledged write is on {@code backupCount + 1} members, with its journal record;</li>
 * <li>no revision is given twice: a member numbers writes only while the metadata record (which
 * moves with the partition) names it as the primary; a new primary rebuilds its clock from every
 * record, and one promoted after the primary died jumps ahead ({@link RevisionClock#FAILOVER_GAP}),
 * past any revision the dead primary might have given to a write that was never replicated.</li>
 * </ul>
 * Lists read the partition in one step of the same thread, so their revision is exact. The
 * price of one partition is that the store's writes go through one thread of one member (as all
 * of etcd's go through its one leader); measured, that is several thousand writes a second, far
 * more than the cluster-wide lock it replaces.
 *
 * <p>Watches: one journal reader per member ({@link WatchFanOut}) feeds bounded per-watch queues.
 * A member leaving ends this member's watches once (they relist). A member that merges back after
 * a split starts a new restore epoch, which ends every watch in the cluster (they relist): the
 * merge puts what only its side held (a create it could not confirm, answered 503) with that
 * side's revision and no journal record any watch would take. Writes need a majority of the
 * cluster (split-brain protection); a member in a minority refuses them with
 * {@link StoreException.Unavailable}.
 *
 * <p>Hazelcast holds plain bytes only; the entry processors, classes of this bundle, travel as
 * identified data made by {@link StoreSerialization}, which every member must have registered.
 */
@Component(service = StorageBackend.class, property = Plugins.NAME + "=hazelcast", configurationPid = HazelcastStore.PID)
@Designate(ocd = HazelcastStore.Config.class)
public class HazelcastStore implements StorageBackend {

    public static final String PID = "io.gantry.store.hazelcast";

    /** The metadata record's key; store keys are paths, which never hold a NUL character. */
    static final String META_KEY = "\u0000meta";

    private static final Logger LOG = LoggerFactory.getLogger(HazelcastStore.class);
    private static final int CLOCK_ATTEMPTS = 20;
    private static final long MERGE_RELIST_NANOS = 60_000_000_000L;

    @ObjectClassDefinition(name = "Gantry Hazelcast store", description = "Cluster state in Hazelcast, in memory")
    public @interface Config {

        @AttributeDefinition(description = "Changes kept for watches; a watch from an older revision gets 410 Expired")
        int watchHistory() default 20000;

        @AttributeDefinition(description = "Synchronous backups of the state: the members that may be lost at once without losing a write")
        int backupCount() default 1;

        @AttributeDefinition(description = "The members' split-brain protection (configured on every member) that "
                + "refuses writes in a minority; the cluster bundle defines gantry.majority")
        String splitBrainProtection() default "gantry.majority";

        @AttributeDefinition(description = "Changes a watch may have undelivered before it is ended (its client relists)")
        int watchQueue() default 1000;

        @AttributeDefinition(description = "Threads that call watch listeners on this member")
        int watchThreads() default 2;
    }

    private final HazelcastInstance hazelcast;
    private final String name;
    private final IMap<PartitionAwareKey<String, String>, byte[]> map;
    private final PartitionAwareKey<String, String> metaKey;
    private final PartitionPredicate<PartitionAwareKey<String, String>, byte[]> wholeStore;
    private final WatchDelivery delivery;
    private final WatchFanOut fanOut;
    private final UUID membershipListener;
    private final UUID lifecycleListener;
    private final int watchQueue;
    /** The split-brain protection writes need, or null when none is configured (one member). */
    private final String protection;

    @Activate
    public HazelcastStore(@Reference HazelcastInstance hazelcast, Config config) {
        this(hazelcast, config, "objects");
    }

    static String mapName(String store) {
        return "gantry.store." + store;
    }

    /** A store under its own name; several can share a cluster (tests). */
    HazelcastStore(HazelcastInstance hazelcast, Config config, String name) {
        this.hazelcast = hazelcast;
        this.name = name;
        this.watchQueue = config.watchQueue();
        SplitBrainProtectionConfig quorum = hazelcast.getConfig().getSplitBrainProtectionConfigs()
                .get(config.splitBrainProtection());
        this.protection = quorum != null && quorum.isEnabled() ? quorum.getName() : null;
        String mapName = mapName(name);
        configure(hazelcast, mapName, config);
        this.map = hazelcast.getMap(mapName);
        this.metaKey = key(META_KEY);
        this.wholeStore = Predicates.partitionPredicate(name, Predicates.alwaysTrue());
        RevisionClock.of(hazelcast, name);
        try {
            ensureMeta();
        } catch (StoreException.Unavailable e) {
            LOG.warn("The store starts in a minority; it takes writes once a majority of the members is up");
        }
        int partition = hazelcast.getPartitionService().getPartition(name).getPartitionId();
        this.delivery = new WatchDelivery("gantry-store-watch-" + name, config.watchThreads());
        @SuppressWarnings("unchecked")
        EventJournalReader<EventJournalMapEvent<PartitionAwareKey<String, String>, byte[]>> journal =
                (EventJournalReader<EventJournalMapEvent<PartitionAwareKey<String, String>, byte[]>>) map;
        this.fanOut = new WatchFanOut(journal, partition, config.watchHistory(),
                "gantry-store-journal-" + name + "-" + hazelcast.getName());
        this.membershipListener = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                // reading the revision may wait for the partition's new owner
                offEventThread("gantry-store-resync-" + name, () -> {
                    try {
                        fanOut.resync(HazelcastStore.this::currentRevision);
                    } catch (RuntimeException e) {
                        LOG.warn("Cannot resume the store's watches after {} left: {}", event.getMember(), e.toString());
                    }
                });
            }
        });
        this.lifecycleListener = hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                // the write waits for the store's partition
                offEventThread("gantry-store-merged-" + name, this::relistAfterMerge);
            }
        });
    }

    /** Runs work that may wait for a partition on a thread of its own, not on Hazelcast's event thread. */
    private static void offEventThread(String threadName, Runnable work) {
        Thread thread = new Thread(work, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * After this member merged back into the cluster: a new restore epoch (at the current revision)
     * ends every watch of every member, so that their clients list again and see what the merge
     * brought in. Retried until the store takes it, a minute at most.
     */
    private void relistAfterMerge() {
        long deadline = System.nanoTime() + MERGE_RELIST_NANOS;
        while (true) {
            try {
                long revision = currentRevision();
                call(metaKey, () -> new MetaProcessor(name, MetaProcessor.RESTORE, revision));
                LOG.info("Merged back into the cluster: every store watch ends at revision {} so that its client "
                        + "lists again and sees what the merge brought in", revision);
                return;
            } catch (StoreException | HazelcastException e) {
                if (System.nanoTime() > deadline || !hazelcast.getLifecycleService().isRunning()) {
                    LOG.warn("Could not end the store's watches after the merge; a client sees the merged objects "
                            + "when it next lists: {}", e.toString());
                    return;
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * The map's settings, the same on every member (Hazelcast shares added configuration with the
     * whole cluster): synchronous backups, the journal that records every change, and the quorum.
     */
    private static void configure(HazelcastInstance hazelcast, String mapName, Config config) {
        int partitions = hazelcast.getPartitionService().getPartitions().size();
        // Hazelcast reads split-brain protections once, when the member starts: the member's
        // configuration must define it; a map naming an unknown one is not protected at all.
        String protection = config.splitBrainProtection();
        SplitBrainProtectionConfig quorum = hazelcast.getConfig().getSplitBrainProtectionConfigs().get(protection);
        if ((quorum == null || !quorum.isEnabled()) && configuredMembers(hazelcast) > 1) {
            LOG.warn("The Hazelcast members define no split-brain protection '{}': a member cut off from the others "
                    + "would go on accepting writes (set it in io.gantry.cluster.cfg)", protection);
        }
        MapConfig mapConfig = new MapConfig(mapName)
                .setBackupCount(config.backupCount())
                .setAsyncBackupCount(0)
                .setReadBackupData(false)
                .setInMemoryFormat(InMemoryFormat.BINARY)
                .setSplitBrainProtectionName(protection)
                // The journal's capacity is shared by all partitions; the store uses one.
                .setEventJournalConfig(new EventJournalConfig().setEnabled(true)
                        .setCapacity((int) Math.min(Integer.MAX_VALUE, (long) config.watchHistory() * partitions)));
        try {
            hazelcast.getConfig().addMapConfig(mapConfig);
        } catch (InvalidConfigurationException e) {
            // Another member set the store up first, with other values: the cluster keeps one setting.
            LOG.warn("Keeping the store settings the cluster already has: {}", e.getMessage());
        }
        LOG.info("Hazelcast store '{}': {} synchronous backup(s), writes need {} member(s)", mapName,
                config.backupCount(), quorum == null ? 1 : quorum.getMinimumClusterSize());
    }

    private static int configuredMembers(HazelcastInstance hazelcast) {
        return hazelcast.getConfig().getNetworkConfig().getJoin().getTcpIpConfig().getMembers().size();
    }

    /** The metadata record, made when the store first runs (not in a minority: it is a write). */
    private void ensureMeta() {
        hazelcastCall(() -> map.putIfAbsent(metaKey, Records.meta(0, 0, 0, null)));
    }

    @Deactivate
    void deactivate() {
        try {
            hazelcast.getCluster().removeMembershipListener(membershipListener);
            hazelcast.getLifecycleService().removeLifecycleListener(lifecycleListener);
        } catch (HazelcastInstanceNotActiveException e) {
            // the member is already gone
        }
        fanOut.stop();
        delivery.stop();
        // The clock is an object of this bundle's classes: a later version of the bundle makes its own.
        hazelcast.getUserContext().remove(RevisionClock.key(name));
    }

    @Override
    public long currentRevision() {
        return Outcome.revision(call(metaKey, () -> new ClockProbe(name)));
    }

    /** Refused when this member does not see the quorum that protects writes. */
    @Override
    public void checkWritable() {
        if (protection != null && !hazelcastCall(() -> hazelcast.getSplitBrainProtectionService()
                .getSplitBrainProtection(protection).hasMinimumSize())) {
            throw new StoreException.Unavailable("this member is cut off from the majority of the cluster and refuses "
                    + "writes; what it reads may lack what the others have");
        }
    }

    @Override
    public Optional<StoredEntry> get(String key) {
        byte[] record = hazelcastCall(() -> map.get(key(key)));
        return Records.isLive(record) ? Optional.of(Records.entry(key, record)) : Optional.empty();
    }

    @Override
    public StoredPage list(String prefix) {
        for (int attempt = 0; attempt < CLOCK_ATTEMPTS; attempt++) {
            Map<PartitionAwareKey<String, String>, byte[]> read =
                    hazelcastCall(() -> map.executeOnEntries(new ListProcessor(name, prefix), wholeStore));
            byte[] revision = read.remove(metaKey);
            if (revision == null) {
                ensureMeta();
                continue;
            }
            if (Outcome.status(revision) == Outcome.CLOCK_UNTRUSTED) {
                syncClock();
                continue;
            }
            List<StoredEntry> entries = new ArrayList<>(read.size());
            for (Map.Entry<PartitionAwareKey<String, String>, byte[]> entry : read.entrySet()) {
                entries.add(Records.entry(entry.getKey().getKey(), entry.getValue()));
            }
            entries.sort(Comparator.comparing(StoredEntry::key));
            return new StoredPage(entries, Outcome.revision(revision));
        }
        throw clockNotReady();
    }

    @Override
    public StoredEntry create(String key, byte[] value) {
        return written(key, write(key, new WriteProcessor(name, WriteProcessor.CREATE, 0, value)), 0);
    }

    @Override
    public StoredEntry update(String key, byte[] value, long expectedModRevision) {
        return written(key, write(key, new WriteProcessor(name, WriteProcessor.UPDATE, expectedModRevision, value)),
                expectedModRevision);
    }

    @Override
    public StoredEntry delete(String key, long expectedModRevision) {
        return written(key, write(key, new WriteProcessor(name, WriteProcessor.DELETE, expectedModRevision, new byte[0])),
                expectedModRevision);
    }

    @Override
    public StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener) {
        byte[] meta = hazelcastCall(() -> map.get(metaKey));
        long compacted = Math.max(Records.metaCompacted(meta), fanOut.floor());
        if (afterRevision < compacted) {
            throw new StoreException.Compacted(afterRevision, compacted + 1);
        }
        StoreWatcher watcher = new StoreWatcher(prefix, afterRevision, Records.metaRestoreEpoch(meta), listener,
                watchQueue, delivery, fanOut::unregister);
        fanOut.register(watcher);
        return watcher;
    }

    @Override
    public long compactedRevision() {
        byte[] meta = hazelcastCall(() -> map.get(metaKey));
        return Math.max(Records.metaCompacted(meta), fanOut.floor());
    }

    @Override
    public void compact(long revision) {
        byte[] meta = Outcome.record(call(metaKey, () -> new MetaProcessor(name, MetaProcessor.COMPACT, revision)));
        long compacted = Records.metaCompacted(meta);
        hazelcastCall(() -> map.executeOnEntries(new TombstoneSweep(name, compacted), wholeStore));
    }

    @Override
    public StoredPage snapshot() {
        return list("");
    }

    /**
     * Replaces the content with a snapshot, keeping its revisions. Not atomic for concurrent
     * readers: migration restores a backend before it takes traffic. First the metadata moves the
     * clock to at least the snapshot's revision and compacts up to there, which ends every open
     * watch; then the records are written as they were.
     */
    @Override
    public void restore(StoredPage snapshot) {
        call(metaKey, () -> new MetaProcessor(name, MetaProcessor.RESTORE, snapshot.revision()));
        Set<String> kept = new HashSet<>();
        Map<PartitionAwareKey<String, String>, byte[]> records = new HashMap<>();
        UUID restored = new UUID(0, 0);
        for (StoredEntry entry : snapshot.entries()) {
            kept.add(entry.key());
            records.put(key(entry.key()), Records.record(Records.LIVE, entry.createRevision(), entry.modRevision(),
                    restored, entry.value()));
        }
        Set<PartitionAwareKey<String, String>> present = hazelcastCall(() -> map.keySet(wholeStore));
        for (PartitionAwareKey<String, String> key : present) {
            if (!key.equals(metaKey) && !kept.contains(key.getKey())) {
                hazelcastCall(() -> map.remove(key));
            }
        }
        hazelcastCall(() -> {
            map.putAll(records);
            return null;
        });
    }

    private byte[] write(String key, WriteProcessor processor) {
        return call(key(key), () -> processor);
    }

    private static StoredEntry written(String key, byte[] outcome, long expectedModRevision) {
        return switch (Outcome.status(outcome)) {
            case Outcome.OK -> Records.entry(key, Outcome.record(outcome));
            case Outcome.EXISTS -> throw new StoreException.KeyExists(key);
            case Outcome.NOT_FOUND -> throw new StoreException.KeyNotFound(key);
            case Outcome.CONFLICT -> throw new StoreException.Conflict(key, expectedModRevision, Outcome.revision(outcome));
            default -> throw new StoreException("unexpected answer " + Outcome.status(outcome) + " from the store for " + key);
        };
    }

    /** Runs a processor on one key of the store, rebuilding the primary's clock when it asks. */
    private byte[] call(PartitionAwareKey<String, String> key, Supplier<StoreProcessor> processor) {
        StoreProcessor instance = processor.get();
        for (int attempt = 0; attempt < CLOCK_ATTEMPTS; attempt++) {
            byte[] outcome = hazelcastCall(() -> map.executeOnKey(key, instance));
            if (Outcome.status(outcome) != Outcome.CLOCK_UNTRUSTED) {
                return outcome;
            }
            syncClock();
        }
        throw clockNotReady();
    }

    /** Rebuilds the primary's revision clock from every record (see {@link RevisionClock}). */
    private void syncClock() {
        Map<PartitionAwareKey<String, String>, byte[]> answers =
                hazelcastCall(() -> map.executeOnEntries(new ClockSync(name), wholeStore));
        long highest = 0;
        long epoch = -1;
        UUID recordedPrimary = null;
        for (Map.Entry<PartitionAwareKey<String, String>, byte[]> entry : answers.entrySet()) {
            ByteBuffer answer = ByteBuffer.wrap(entry.getValue());
            highest = Math.max(highest, answer.getLong());
            if (entry.getKey().equals(metaKey)) {
                epoch = answer.getLong();
                UUID primary = new UUID(answer.getLong(), answer.getLong());
                recordedPrimary = primary.getMostSignificantBits() == 0 && primary.getLeastSignificantBits() == 0
                        ? null : primary;
            }
        }
        if (epoch < 0) {
            ensureMeta();
            return;
        }
        UUID previous = recordedPrimary;
        // A primary still in the cluster handed the partition over by migration: nothing was lost.
        boolean primaryLost = previous == null
                || hazelcast.getCluster().getMembers().stream().noneMatch(m -> m.getUuid().equals(previous));
        long found = highest;
        long inEpoch = epoch;
        hazelcastCall(() -> map.executeOnKey(metaKey, new ClockProbe(name, found, inEpoch, primaryLost)));
    }

    private StoreException clockNotReady() {
        return new StoreException.Unavailable("the store's partition keeps changing owner; try again");
    }

    /** Turns Hazelcast's failures into the store's: a refusal is Unavailable, an unknown outcome is not. */
    private <T> T hazelcastCall(Supplier<T> call) {
        try {
            return call.get();
        } catch (SplitBrainProtectionException e) {
            throw new StoreException.Unavailable("this member is cut off from the majority of the cluster and "
                    + "refuses writes: " + e.getMessage(), e);
        } catch (HazelcastInstanceNotActiveException e) {
            throw new StoreException.Unavailable("this member is leaving the cluster", e);
        } catch (OperationTimeoutException e) {
            throw new StoreException("the store did not answer in time; the change may or may not have been made", e);
        } catch (HazelcastException e) {
            // Hazelcast's own wording names its classes; the cause keeps it for the log.
            throw new StoreException("the cluster could not complete the store operation; a change may or may not "
                    + "have been made", e);
        }
    }

    private PartitionAwareKey<String, String> key(String key) {
        return new PartitionAwareKey<>(key, name);
    }

    @Override
    public String toString() {
        return "hazelcast store " + name + " on " + hazelcast.getName();
    }
}
