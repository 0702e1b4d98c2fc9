package io.gantry.api.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A storage backend in one JVM's memory, for unit tests of the bundles above the store. It keeps
 * the SPI's contract the way the real backends do: one increasing revision, compare-and-set,
 * watches that replay from a revision and then follow, exactly once and in order, and a bounded
 * history beyond which a watch is refused as compacted.
 */
public class InMemoryStorageBackend implements StorageBackend {

    private final TreeMap<String, StoredEntry> entries = new TreeMap<>();
    private final List<StoreEvent> history = new ArrayList<>();
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private final int historyLimit;
    private long revision;
    private long compactedRevision;

    public InMemoryStorageBackend() {
        this(10_000);
    }

    public InMemoryStorageBackend(int historyLimit) {
        this.historyLimit = historyLimit;
    }

    @Override
    public synchronized long currentRevision() {
        return revision;
    }

    @Override
    public synchronized Optional<StoredEntry> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    @Override
    public synchronized StoredPage list(String prefix) {
        List<StoredEntry> found = new ArrayList<>();
        for (Map.Entry<String, StoredEntry> entry : entries.tailMap(prefix, true).entrySet()) {
            if (!entry.getKey().startsWith(prefix)) {
                break;
            }
            found.add(entry.getValue());
        }
        return new StoredPage(found, revision);
    }

    @Override
    public synchronized StoredEntry create(String key, byte[] value) {
        if (entries.containsKey(key)) {
            throw new StoreException.KeyExists(key);
        }
        revision++;
        StoredEntry entry = new StoredEntry(key, value.clone(), revision, revision);
        entries.put(key, entry);
        publish(new StoreEvent(StoreEvent.Type.PUT, entry));
        return entry;
    }

    @Override
    public synchronized StoredEntry update(String key, byte[] value, long expectedModRevision) {
        StoredEntry current = current(key, expectedModRevision);
        revision++;
        StoredEntry entry = new StoredEntry(key, value.clone(), current.createRevision(), revision);
        entries.put(key, entry);
        publish(new StoreEvent(StoreEvent.Type.PUT, entry));
        return entry;
    }

    @Override
    public synchronized StoredEntry delete(String key, long expectedModRevision) {
        StoredEntry current = current(key, expectedModRevision);
        revision++;
        entries.remove(key);
        StoredEntry deleted = new StoredEntry(key, current.value(), current.createRevision(), revision);
        publish(new StoreEvent(StoreEvent.Type.DELETE, deleted));
        return deleted;
    }

    @Override
    public synchronized StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener) {
        if (afterRevision < compactedRevision) {
            throw new StoreException.Compacted(afterRevision, compactedRevision + 1);
        }
        Watcher watcher = new Watcher(prefix, afterRevision, listener);
        for (StoreEvent event : history) {
            watcher.deliver(event);
        }
        watchers.add(watcher);
        return watcher;
    }

    @Override
    public synchronized long compactedRevision() {
        return compactedRevision;
    }

    @Override
    public synchronized void compact(long upTo) {
        long target = Math.min(upTo, revision);
        while (!history.isEmpty() && history.get(0).revision() <= target) {
            history.remove(0);
        }
        compactedRevision = Math.max(compactedRevision, target);
    }

    @Override
    public synchronized StoredPage snapshot() {
        return new StoredPage(new ArrayList<>(entries.values()), revision);
    }

    @Override
    public synchronized void restore(StoredPage snapshot) {
        entries.clear();
        for (StoredEntry entry : snapshot.entries()) {
            entries.put(entry.key(), new StoredEntry(entry.key(), entry.value().clone(),
                    entry.createRevision(), entry.modRevision()));
        }
        // Revisions never go back, so that a watcher's resourceVersions keep increasing.
        revision = Math.max(revision, snapshot.revision());
        history.clear();
        compactedRevision = revision;
        List<Watcher> open = new ArrayList<>(watchers);
        watchers.clear();
        for (Watcher watcher : open) {
            watcher.listener.onClose(new StoreException.Compacted(revision, revision + 1));
        }
    }

    private StoredEntry current(String key, long expectedModRevision) {
        StoredEntry current = entries.get(key);
        if (current == null) {
            throw new StoreException.KeyNotFound(key);
        }
        if (expectedModRevision != 0 && current.modRevision() != expectedModRevision) {
            throw new StoreException.Conflict(key, expectedModRevision, current.modRevision());
        }
        return current;
    }

    private void publish(StoreEvent event) {
        history.add(event);
        if (history.size() > historyLimit) {
            compactedRevision = history.remove(0).revision();
        }
        for (Watcher watcher : watchers) {
            watcher.deliver(event);
        }
    }

    private final class Watcher implements StoreWatch {
        private final String prefix;
        private final long afterRevision;
        private final StoreWatchListener listener;

        Watcher(String prefix, long afterRevision, StoreWatchListener listener) {
            this.prefix = prefix;
            this.afterRevision = afterRevision;
            this.listener = listener;
        }

        void deliver(StoreEvent event) {
            // a watch from a future revision starts with the first change above it
            if (event.revision() > afterRevision && event.entry().key().startsWith(prefix)) {
                listener.onEvent(event);
            }
        }

        @Override
        public void close() {
            if (watchers.remove(this)) {
                listener.onClose(null);
            }
        }
    }
}
