package io.gantry.api.store;

import java.util.Optional;

/**
 * Where cluster state lives: a key-value store with one cluster-wide, increasing revision, as
 * etcd v3 offers. Every change gets the next revision; the API server turns an entry's
 * {@code modRevision} into the object's {@code metadata.resourceVersion}.
 *
 * <p>Keys are paths such as {@code /registry/pods/default/web}; values are the object's JSON
 * bytes, opaque to the backend. Implementations register with the {@code gantry.plugin}
 * service property; the API server uses the one configured.
 */
public interface StorageBackend {

    /** The revision of the latest change; 0 for an empty store. */
    long currentRevision();

    /** The entry at a key, if any. */
    Optional<StoredEntry> get(String key);

    /** Every entry whose key starts with the prefix, and the revision they were read at. */
    StoredPage list(String prefix);

    /**
     * Stores a new key.
     *
     * @throws StoreException.KeyExists if the key is present
     */
    StoredEntry create(String key, byte[] value);

    /**
     * Replaces the value of a key, if it is still at {@code expectedModRevision} (0: whatever it is).
     *
     * @throws StoreException.KeyNotFound if the key is absent
     * @throws StoreException.Conflict if the key changed since that revision
     */
    StoredEntry update(String key, byte[] value, long expectedModRevision);

    /**
     * Removes a key, if it is still at {@code expectedModRevision} (0: whatever it is).
     *
     * @return the last value, with {@code modRevision} the revision of the delete
     * @throws StoreException.KeyNotFound if the key is absent
     * @throws StoreException.Conflict if the key changed since that revision
     */
    StoredEntry delete(String key, long expectedModRevision);

    /**
     * Sends every change under a prefix with a revision above {@code afterRevision}, exactly once
     * and in revision order, then each later change as it happens.
     *
     * @throws StoreException.Compacted if changes after that revision are no longer kept
     */
    StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener);
}
