package io.gantry.store.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Plugins;
import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoreWatchListener;
import io.gantry.api.store.StoredEntry;
import io.gantry.api.store.StoredPage;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster state in an etcd v3 server: durable and linearizable as etcd is. Every write is one
 * etcd transaction that compares the key's revision and writes it, so compare-and-set, the
 * revision and the watch event are etcd's own; reads are etcd's linearizable ranges.
 *
 * <p>resourceVersion is etcd's revision plus an offset kept in etcd (0 until a restore): etcd
 * cannot take given revisions, so a restore moves the offset to keep revisions above the
 * snapshot's. Nodes that share one etcd read the offset at their first request.
 */
@Component(service = StorageBackend.class, property = Plugins.NAME + "=etcd", configurationPid = EtcdStore.PID)
@Designate(ocd = EtcdStore.Config.class)
public class EtcdStore implements StorageBackend {

    public static final String PID = "io.gantry.store.etcd";

    private static final Logger LOG = LoggerFactory.getLogger(EtcdStore.class);
    private static final String OFFSET = "revision-offset";
    private static final int PAGE = 500;
    /** Puts in flight at once during a restore. */
    private static final int RESTORE_PARALLELISM = 8;

    @ObjectClassDefinition(name = "Gantry etcd store", description = "Cluster state in an etcd v3 server")
    public @interface Config {

        @AttributeDefinition(description = "etcd client URLs, comma-separated")
        String endpoints() default "http://127.0.0.1:2379";

        @AttributeDefinition(description = "Prefix of every key Gantry keeps in etcd")
        String keyPrefix() default "/gantry";

        @AttributeDefinition(description = "Seconds a request to etcd may take")
        int requestTimeoutSeconds() default 10;

        @AttributeDefinition(description = "Minutes between compactions; each forgets the history older than the"
                + " previous one, as kube-apiserver does (0: never compact)")
        int compactionIntervalMinutes() default 5;
    }

    private final EtcdGateway etcd;
    private final Keys keys;
    private final Duration timeout;
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService compactor;
    // read from etcd at first use, so that the backend starts while etcd is still away
    private volatile Long offset;
    // etcd's compacted revision as last seen here; etcd is the authority (see compactedRevision)
    private volatile long knownCompacted;
    private long previousTick;

    @Activate
    public EtcdStore(Config config) {
        List<URI> endpoints = Arrays.stream(config.endpoints().split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(URI::create).toList();
        this.timeout = Duration.ofSeconds(Math.max(1, config.requestTimeoutSeconds()));
        this.etcd = new EtcdGateway(endpoints, timeout);
        String prefix = config.keyPrefix().endsWith("/") ? config.keyPrefix().substring(0, config.keyPrefix().length() - 1) : config.keyPrefix();
        this.keys = new Keys(prefix);
        this.compactor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "gantry-store-etcd-compaction");
            thread.setDaemon(true);
            return thread;
        });
        if (config.compactionIntervalMinutes() > 0) {
            compactor.scheduleWithFixedDelay(this::compactPreviousTick, config.compactionIntervalMinutes(),
                    config.compactionIntervalMinutes(), TimeUnit.MINUTES);
        }
        LOG.info("etcd store at {} under {}", endpoints, prefix);
    }

    @Deactivate
    void deactivate() {
        compactor.shutdownNow();
        for (EtcdWatch watch : List.copyOf(watches)) {
            watch.end(new StoreException("the etcd storage backend stopped"));
        }
    }

    /** resourceVersion minus etcd's revision (see the class comment). */
    private long offset() {
        Long known = offset;
        if (known == null) {
            synchronized (this) {
                if (offset == null) {
                    offset = readCounter(OFFSET).map(Counter::value).orElse(0L);
                }
                known = offset;
            }
        }
        return known;
    }

    @Override
    public long currentRevision() {
        return etcdRevision() + offset();
    }

    @Override
    public Optional<StoredEntry> get(String key) {
        ObjectNode range = etcd.object();
        range.put("key", EtcdGateway.base64(keys.etcdKey(key)));
        JsonNode kvs = etcd.call("/v3/kv/range", range).path("kvs");
        return kvs.isEmpty() ? Optional.empty() : Optional.of(entry(kvs.get(0)));
    }

    @Override
    public StoredPage list(String prefix) {
        String etcdPrefix = keys.etcdKey(prefix);
        String end = EtcdGateway.base64(EtcdGateway.prefixEnd(etcdPrefix));
        List<StoredEntry> entries = new ArrayList<>();
        String from = EtcdGateway.base64(etcdPrefix);
        long revision = 0;
        while (true) {
            ObjectNode range = etcd.object();
            range.put("key", from);
            range.put("range_end", end);
            range.put("limit", Long.toString(PAGE));
            if (revision > 0) {
                range.put("revision", Long.toString(revision)); // every page at the first one's revision
            }
            JsonNode answer = etcd.call("/v3/kv/range", range);
            if (revision == 0) {
                revision = answer.path("header").path("revision").asLong();
            }
            JsonNode kvs = answer.path("kvs");
            for (JsonNode kv : kvs) {
                entries.add(entry(kv));
            }
            if (!answer.path("more").asBoolean(false) || kvs.isEmpty()) {
                return new StoredPage(entries, revision + offset());
            }
            byte[] last = EtcdGateway.bytes(kvs.get(kvs.size() - 1).get("key"));
            byte[] next = Arrays.copyOf(last, last.length + 1); // the smallest key after the last one
            from = EtcdGateway.base64(next);
        }
    }

    @Override
    public StoredEntry create(String key, byte[] value) {
        String etcdKey = EtcdGateway.base64(keys.etcdKey(key));
        ObjectNode txn = etcd.object();
        txn.putArray("compare").addObject().put("key", etcdKey).put("target", "CREATE").put("result", "EQUAL")
                .put("create_revision", "0");
        txn.putArray("success").addObject().putObject("request_put").put("key", etcdKey).put("value", EtcdGateway.base64(value));
        JsonNode answer = etcd.call("/v3/kv/txn", txn);
        if (!answer.path("succeeded").asBoolean(false)) {
            throw new StoreException.KeyExists(key);
        }
        long revision = answer.path("header").path("revision").asLong() + offset();
        return new StoredEntry(key, value.clone(), revision, revision);
    }

    @Override
    public StoredEntry update(String key, byte[] value, long expectedModRevision) {
        ObjectNode put = etcd.object();
        put.put("key", EtcdGateway.base64(keys.etcdKey(key))).put("value", EtcdGateway.base64(value)).put("prev_kv", true);
        JsonNode answer = conditional(key, expectedModRevision, "request_put", put);
        JsonNode previous = answer.path("responses").get(0).path("response_put").path("prev_kv");
        return new StoredEntry(key, value.clone(), previous.path("create_revision").asLong() + offset(),
                answer.path("header").path("revision").asLong() + offset());
    }

    @Override
    public StoredEntry delete(String key, long expectedModRevision) {
        ObjectNode delete = etcd.object();
        delete.put("key", EtcdGateway.base64(keys.etcdKey(key))).put("prev_kv", true);
        JsonNode answer = conditional(key, expectedModRevision, "request_delete_range", delete);
        JsonNode previous = answer.path("responses").get(0).path("response_delete_range").path("prev_kvs").get(0);
        return new StoredEntry(key, EtcdGateway.bytes(previous.get("value")), previous.path("create_revision").asLong() + offset(),
                answer.path("header").path("revision").asLong() + offset());
    }

    /**
     * One transaction: if the key is present (at {@code expectedModRevision}, unless 0), do the
     * request; otherwise read the key to say why not.
     */
    private JsonNode conditional(String key, long expectedModRevision, String requestType, ObjectNode request) {
        String etcdKey = EtcdGateway.base64(keys.etcdKey(key));
        ObjectNode txn = etcd.object();
        ObjectNode compare = txn.putArray("compare").addObject().put("key", etcdKey);
        if (expectedModRevision != 0) {
            compare.put("target", "MOD").put("result", "EQUAL").put("mod_revision", Long.toString(expectedModRevision - offset()));
        } else {
            compare.put("target", "CREATE").put("result", "GREATER").put("create_revision", "0");
        }
        txn.putArray("success").addObject().set(requestType, request);
        txn.putArray("failure").addObject().putObject("request_range").put("key", etcdKey);
        JsonNode answer = etcd.call("/v3/kv/txn", txn);
        if (!answer.path("succeeded").asBoolean(false)) {
            JsonNode kvs = answer.path("responses").get(0).path("response_range").path("kvs");
            if (kvs.isEmpty()) {
                throw new StoreException.KeyNotFound(key);
            }
            throw new StoreException.Conflict(key, expectedModRevision, kvs.get(0).path("mod_revision").asLong() + offset());
        }
        return answer;
    }

    @Override
    public StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener) {
        long after = afterRevision - offset();
        if (after < 0) {
            // before the last restore: that history is gone
            throw new StoreException.Compacted(afterRevision, compactedRevision() + 1);
        }
        if (after > 0 && isCompacted(after)) {
            throw new StoreException.Compacted(afterRevision, compactedRevision() + 1);
        }
        EtcdWatch watch = new EtcdWatch(etcd, keys, prefix, after, offset(), listener, watches::remove, timeout.multipliedBy(3));
        watches.add(watch);
        return watch;
    }

    /** Whether etcd has compacted away the changes after {@code etcdRevision} (at least 1). */
    private boolean isCompacted(long etcdRevision) {
        return !readable(etcdRevision);
    }

    /**
     * Whether etcd still has the state at a revision: a range at R fails exactly when R is below
     * etcd's compacted revision C, the revision a watch must start after.
     */
    private boolean readable(long etcdRevision) {
        ObjectNode range = etcd.object();
        range.put("key", EtcdGateway.base64(keys.meta(OFFSET))).put("revision", Long.toString(etcdRevision)).put("count_only", true);
        try {
            etcd.call("/v3/kv/range", range);
            return true;
        } catch (EtcdGateway.EtcdError e) {
            if (e.compacted()) {
                return false;
            }
            if (e.futureRevision()) {
                return true; // a watch from the future waits for its revision
            }
            throw e;
        }
    }

    /**
     * etcd's compacted revision. etcd does not report it, and recording it in etcd would be a
     * write (a revision of its own), so it is found as the lowest revision etcd can still read:
     * two ranges when it is the one this backend last saw, a binary search otherwise.
     */
    @Override
    public long compactedRevision() {
        long known = knownCompacted;
        long current = etcdRevision();
        long found;
        if (known >= 2 && readable(known) && !readable(known - 1)) {
            found = known;
        } else {
            long low = Math.max(1, known);
            long high = Math.max(low, current);
            while (low < high) {
                long middle = low + (high - low) / 2;
                if (readable(middle)) {
                    high = middle;
                } else {
                    low = middle + 1;
                }
            }
            // Revision 1 is etcd's empty start: readable whether or not it was compacted.
            found = low > 1 ? low : known;
        }
        knownCompacted = Math.max(known, found);
        return knownCompacted + offset();
    }

    @Override
    public void compact(long revision) {
        long etcdRevision = Math.min(revision - offset(), etcdRevision());
        if (etcdRevision <= 0) {
            return;
        }
        ObjectNode compaction = etcd.object();
        compaction.put("revision", Long.toString(etcdRevision)).put("physical", true);
        try {
            etcd.call("/v3/kv/compaction", compaction);
            knownCompacted = Math.max(knownCompacted, etcdRevision);
        } catch (EtcdGateway.EtcdError e) {
            if (!e.compacted()) {
                throw e;
            }
            // already compacted at or beyond it
        }
    }

    @Override
    public StoredPage snapshot() {
        return list("");
    }

    @Override
    public void restore(StoredPage snapshot) {
        for (EtcdWatch watch : List.copyOf(watches)) {
            watch.end(new StoreException.Compacted(currentRevision(), snapshot.revision() + 1));
        }
        // One transaction removes every object and records where revisions go on: at etcd revision
        // D, revision D + offset must be at least the snapshot's, so the restored entries (written
        // after D) land above it and watches from the snapshot's revision see them.
        long etcdRevision = etcdRevision();
        long deleteRevision = etcdRevision + 1;
        long newOffset = Math.max(offset(), snapshot.revision() - deleteRevision);
        String objects = keys.etcdKey("");
        ObjectNode txn = etcd.object();
        ArrayNode success = txn.putArray("success");
        success.addObject().putObject("request_delete_range").put("key", EtcdGateway.base64(objects))
                .put("range_end", EtcdGateway.base64(EtcdGateway.prefixEnd(objects)));
        success.addObject().putObject("request_put").put("key", EtcdGateway.base64(keys.meta(OFFSET)))
                .put("value", EtcdGateway.base64(Counter.text(newOffset)));
        JsonNode answer = etcd.call("/v3/kv/txn", txn);
        long actual = answer.path("header").path("revision").asLong();
        if (actual != deleteRevision) {
            // another writer came between: the offset is still safe (above what it needs), only larger
            LOG.warn("etcd moved from revision {} to {} during a restore", etcdRevision, actual);
        }
        offset = newOffset;
        compact(actual + newOffset);
        putAll(snapshot.entries());
        LOG.info("Restored {} objects into etcd; revisions go on from {}", snapshot.entries().size(), currentRevision());
    }

    /**
     * Writes the entries, several at once: each put is its own revision (one transaction would
     * give many objects one revision, which a watch resumed between them could not tell apart),
     * and a migration's gate holds writes until the last one is in, so the copy must be quick.
     */
    private void putAll(List<StoredEntry> entries) {
        ExecutorService puts = Executors.newFixedThreadPool(RESTORE_PARALLELISM, r -> {
            Thread thread = new Thread(r, "gantry-etcd-restore");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> written = new ArrayList<>();
            for (StoredEntry entry : entries) {
                written.add(puts.submit(() -> {
                    ObjectNode put = etcd.object();
                    put.put("key", EtcdGateway.base64(keys.etcdKey(entry.key())))
                            .put("value", EtcdGateway.base64(entry.value()));
                    etcd.call("/v3/kv/put", put);
                }));
            }
            for (Future<?> put : written) {
                put.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof StoreException failure ? failure
                    : new StoreException("restoring into etcd failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while restoring into etcd", e);
        } finally {
            puts.shutdownNow();
        }
    }

    /** Every interval, forget the history older than the previous interval's revision. */
    private void compactPreviousTick() {
        try {
            long now = currentRevision();
            if (previousTick > 0) {
                compact(previousTick);
            }
            previousTick = now;
        } catch (RuntimeException e) {
            LOG.warn("Cannot compact etcd's history", e);
        }
    }

    private long etcdRevision() {
        ObjectNode range = etcd.object();
        range.put("key", EtcdGateway.base64(keys.meta(OFFSET))).put("count_only", true);
        return etcd.call("/v3/kv/range", range).path("header").path("revision").asLong();
    }

    private StoredEntry entry(JsonNode kv) {
        return new StoredEntry(keys.storeKey(EtcdGateway.text(kv.get("key"))), EtcdGateway.bytes(kv.get("value")),
                kv.path("create_revision").asLong() + offset(), kv.path("mod_revision").asLong() + offset());
    }

    private Optional<Counter> readCounter(String name) {
        ObjectNode range = etcd.object();
        range.put("key", EtcdGateway.base64(keys.meta(name)));
        JsonNode kvs = etcd.call("/v3/kv/range", range).path("kvs");
        return kvs.isEmpty() ? Optional.empty() : Optional.of(new Counter(Long.parseLong(EtcdGateway.text(kvs.get(0).get("value")))));
    }

    /** A number kept in etcd (as fixed-width decimal text). */
    private record Counter(long value) {
        static String text(long value) {
            return String.format("%020d", value);
        }
    }

    @Override
    public String toString() {
        return "etcd store under " + keys.keyPrefix();
    }
}
