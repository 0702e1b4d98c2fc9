package io.gantry.apiserver;

import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoreWatchListener;
import io.gantry.api.store.StoredEntry;
import io.gantry.api.store.StoredPage;
import io.gantry.apiserver.storage.StorageSwitch;
import java.util.Optional;

/**
 * The backend in use as one StorageBackend for the registry: reads go to whichever backend is in
 * use at the moment, writes through the migration gate, watches through the switch so that they
 * end (and their owners relist) when the backend changes.
 */
final class GatedBackend implements StorageBackend {

    private final StorageSwitch storage;

    GatedBackend(StorageSwitch storage) {
        this.storage = storage;
    }

    @Override
    public long currentRevision() {
        return storage.current().currentRevision();
    }

    @Override
    public long compactedRevision() {
        return storage.current().compactedRevision();
    }

    @Override
    public void checkWritable() {
        storage.current().checkWritable();
    }

    @Override
    public Optional<StoredEntry> get(String key) {
        return storage.current().get(key);
    }

    @Override
    public Optional<StoredEntry> getToDecideWrite(String key) {
        return storage.current().getToDecideWrite(key);
    }

    @Override
    public StoredPage list(String prefix) {
        return storage.current().list(prefix);
    }

    @Override
    public StoredEntry create(String key, byte[] value) {
        return storage.write(backend -> backend.create(key, value));
    }

    @Override
    public StoredEntry update(String key, byte[] value, long expectedModRevision) {
        return storage.write(backend -> backend.update(key, value, expectedModRevision));
    }

    @Override
    public StoredEntry delete(String key, long expectedModRevision) {
        return storage.write(backend -> backend.delete(key, expectedModRevision));
    }

    @Override
    public StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener) {
        return storage.watch(prefix, afterRevision, listener);
    }

    @Override
    public void compact(long revision) {
        storage.write(backend -> {
            backend.compact(revision);
            return null;
        });
    }

    @Override
    public StoredPage snapshot() {
        return storage.current().snapshot();
    }

    @Override
    public void restore(StoredPage snapshot) {
        storage.write(backend -> {
            backend.restore(snapshot);
            return null;
        });
    }
}
