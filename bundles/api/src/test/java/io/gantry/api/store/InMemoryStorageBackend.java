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
        long oldest = history.isEmpty() ? revision + 1 : history.get(0).revision();
        if (afterRevision + 1 < oldest && afterRevision < revision) {
            throw new StoreException.Compacted(afterRevision, oldest);
        }
        Watcher watcher = new Watcher(prefix, listener);
        for (StoreEvent event : history) {
            if (event.revision() > afterRevision) {
                watcher.deliver(event);
            }
        }
        watchers.add(watcher);
        return watcher;
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
            history.remove(0);
        }
        for (Watcher watcher : watchers) {
            watcher.deliver(event);
        }
    }

    private final class Watcher implements StoreWatch {
        private final String prefix;
        private final StoreWatchListener listener;

        Watcher(String prefix, StoreWatchListener listener) {
            this.prefix = prefix;
            this.listener = listener;
        }

        void deliver(StoreEvent event) {
            if (event.entry().key().startsWith(prefix)) {
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
