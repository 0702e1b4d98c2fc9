package io.gantry.store.hazelcast;

import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.gantry.api.Plugins;
import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoreWatchListener;
import io.gantry.api.store.StoredEntry;
import io.gantry.api.store.StoredPage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
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
 * Cluster state in Hazelcast, replicated in memory across the members (it survives the loss of
 * a member, not of the whole cluster).
 *
 * <p>Objects live in a map; every change is also appended to a ringbuffer, whose sequence is the
 * cluster-wide revision (revision = sequence + 1), and whose capacity is the watch history: older
 * revisions are compacted away. Writes take one cluster-wide lock so that the revision order is
 * the order of changes, as a single etcd leader gives; reads of one key need no lock, lists take
 * it so that the entries match the revision they report.
 */
@Component(service = StorageBackend.class, property = Plugins.NAME + "=hazelcast", configurationPid = HazelcastStore.PID)
@Designate(ocd = HazelcastStore.Config.class)
public class HazelcastStore implements StorageBackend {

    public static final String PID = "io.gantry.store.hazelcast";

    private static final Logger LOG = LoggerFactory.getLogger(HazelcastStore.class);

    static final String OBJECTS = "gantry.objects";
    static final String EVENTS = "gantry.events";
    static final String LOCKS = "gantry.locks";
    private static final String WRITE_LOCK = "write";

    @ObjectClassDefinition(name = "Gantry Hazelcast store", description = "Cluster state in Hazelcast, in memory")
    public @interface Config {

        @AttributeDefinition(description = "Changes kept for watches; a watch from an older revision gets 410 Expired")
        int watchHistory() default 20000;
    }

    private final HazelcastInstance hazelcast;
    private final IMap<String, byte[]> objects;
    private final IMap<String, Boolean> locks;
    private final Ringbuffer<byte[]> events;
    private final WatchDispatcher dispatcher;

    @Activate
    public HazelcastStore(@Reference HazelcastInstance hazelcast, Config config) {
        this.hazelcast = hazelcast;
        try {
            hazelcast.getConfig().addRingBufferConfig(new RingbufferConfig(EVENTS).setCapacity(config.watchHistory()));
        } catch (InvalidConfigurationException e) {
            // Another member (or an earlier activation) set the history first; the cluster keeps one.
            LOG.warn("Keeping the watch history the cluster already has: {}", e.getMessage());
        }
        this.objects = hazelcast.getMap(OBJECTS);
        this.locks = hazelcast.getMap(LOCKS);
        this.events = hazelcast.getRingbuffer(EVENTS);
        this.dispatcher = new WatchDispatcher(events, "gantry-store-watch-" + hazelcast.getName());
    }

    @Deactivate
    void deactivate() {
        dispatcher.stop();
    }

    @Override
    public long currentRevision() {
        return events.tailSequence() + 1;
    }

    @Override
    public Optional<StoredEntry> get(String key) {
        byte[] record = objects.get(key);
        return record == null ? Optional.empty() : Optional.of(Records.entry(key, record));
    }

    @Override
    public StoredPage list(String prefix) {
        return locked(() -> {
            Set<String> keys = objects.keySet().stream().filter(k -> k.startsWith(prefix)).collect(Collectors.toSet());
            List<StoredEntry> entries = new ArrayList<>();
            for (Map.Entry<String, byte[]> entry : objects.getAll(keys).entrySet()) {
                entries.add(Records.entry(entry.getKey(), entry.getValue()));
            }
            entries.sort(Comparator.comparing(StoredEntry::key));
            return new StoredPage(entries, currentRevision());
        });
    }

    @Override
    public StoredEntry create(String key, byte[] value) {
        return locked(() -> {
            if (objects.containsKey(key)) {
                throw new StoreException.KeyExists(key);
            }
            long revision = currentRevision() + 1;
            return put(new StoredEntry(key, value, revision, revision));
        });
    }

    @Override
    public StoredEntry update(String key, byte[] value, long expectedModRevision) {
        return locked(() -> {
            StoredEntry current = current(key, expectedModRevision);
            return put(new StoredEntry(key, value, current.createRevision(), currentRevision() + 1));
        });
    }

    @Override
    public StoredEntry delete(String key, long expectedModRevision) {
        return locked(() -> {
            StoredEntry current = current(key, expectedModRevision);
            StoredEntry deleted = new StoredEntry(key, current.value(), current.createRevision(), currentRevision() + 1);
            objects.delete(key);
            append(StoreEvent.Type.DELETE, deleted);
            return deleted;
        });
    }

    @Override
    public StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener) {
        return dispatcher.watch(prefix, afterRevision, listener);
    }

    @Override
    public long compactedRevision() {
        return events.headSequence();
    }

    @Override
    public void compact(long revision) {
        throw new UnsupportedOperationException("the hazelcast backend compacts by its watch history only (being rewritten)");
    }

    @Override
    public StoredPage snapshot() {
        return list("");
    }

    @Override
    public void restore(StoredPage snapshot) {
        throw new UnsupportedOperationException("the hazelcast backend cannot restore yet (being rewritten)");
    }

    private StoredEntry current(String key, long expectedModRevision) {
        StoredEntry current = get(key).orElseThrow(() -> new StoreException.KeyNotFound(key));
        if (expectedModRevision != 0 && current.modRevision() != expectedModRevision) {
            throw new StoreException.Conflict(key, expectedModRevision, current.modRevision());
        }
        return current;
    }

    private StoredEntry put(StoredEntry entry) {
        objects.set(entry.key(), Records.entry(entry.createRevision(), entry.modRevision(), entry.value()));
        append(StoreEvent.Type.PUT, entry);
        return entry;
    }

    private void append(StoreEvent.Type type, StoredEntry entry) {
        long sequence = events.add(Records.event(type, entry));
        if (sequence + 1 != entry.modRevision()) {
            // Only the holder of the write lock appends, so this means the lock was lost.
            throw new StoreException("revision " + entry.modRevision() + " was stored as " + (sequence + 1)
                    + ": the cluster write lock was not held");
        }
    }

    private <T> T locked(Supplier<T> operation) {
        locks.lock(WRITE_LOCK);
        try {
            return operation.get();
        } finally {
            locks.unlock(WRITE_LOCK);
        }
    }

    @Override
    public String toString() {
        return "hazelcast store on " + hazelcast.getName();
    }
}
