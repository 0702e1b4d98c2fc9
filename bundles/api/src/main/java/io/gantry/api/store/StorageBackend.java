package io.gantry.api.store;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Where cluster state lives: a key-value store with one cluster-wide, increasing revision, as
 * etcd v3 offers. Every change gets the next revision; the API server turns an entry's
 * {@code modRevision} into the object's {@code metadata.resourceVersion}.
 *
 * <p>Keys are paths such as {@code /registry/pods/default/web}; values are the object's JSON
 * bytes, opaque to the backend. Implementations register with the {@code gantry.plugin}
 * service property; the API server uses the one configured.
 *
 * <p>Every backend passes the same conformance suite ({@code StorageBackendConformance} in the
 * API bundle's test artifact).
 */
@ProviderType
public interface StorageBackend {

    /** The revision of the latest change; 0 for an empty store. */
    long currentRevision();

    /**
     * Throws {@link StoreException.Unavailable} when this backend refuses writes right now (a
     * member cut off from its quorum), so that a caller can say so instead of answering from
     * reads such a member cannot vouch for (an object it does not see may exist on the other
     * side). A backend that takes writes whenever it answers does nothing.
     */
    default void checkWritable() {
    }

    /** The entry at a key, if any. */
    Optional<StoredEntry> get(String key);

    /**
     * The entry at a key, read only to decide a write about to be made through this backend (is
     * the namespace of a new object there, and not being deleted?). Unlike {@link #get}, it may
     * include a change this backend has applied and not yet made durable: the write decided on it
     * is stored after that change, so it is durable only if that change is. A backend whose reads
     * never wait for durability needs nothing more than {@link #get}, the default.
     */
    default Optional<StoredEntry> getToDecideWrite(String key) {
        return get(key);
    }

    /** Every entry whose key starts with the prefix, and the revision they were read at. */
    StoredPage list(String prefix);

    /**
     * Stores a new key. The backend may keep the value's array, and hand it to readers and
     * watchers: the caller does not change it afterwards (nor the arrays of the entries it gets).
     *
     * @throws StoreException.KeyExists if the key is present
     */
    StoredEntry create(String key, byte[] value);

    /**
     * Replaces the value of a key, if it is still at {@code expectedModRevision} (0: whatever it is).
     * The value's array is the backend's to keep, as with {@link #create}.
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
     * and in revision order, then each later change as it happens. A revision above
     * {@link #currentRevision()} is allowed: its changes are sent when they happen (the API server
     * decides how long a client may wait for a revision from the future).
     *
     * @throws StoreException.Compacted if changes after that revision are no longer kept, that is
     *     when {@code afterRevision < compactedRevision()}
     */
    StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener);

    /**
     * The highest revision whose history was compacted away: a watch must start after it, so a
     * watch from exactly this revision (it needs only later changes) is served, one from below it
     * gets {@link StoreException.Compacted}. 0 when nothing was compacted.
     */
    long compactedRevision();

    /**
     * Forgets the history of changes up to and including {@code revision} (current values stay);
     * later watches from below it get {@link StoreException.Compacted}. A revision at or below
     * {@link #compactedRevision()} changes nothing; one above {@link #currentRevision()} is
     * taken as the current revision.
     */
    void compact(long revision);

    /**
     * Every entry with its create and mod revisions, and the current revision, as one consistent
     * snapshot (for migration between backends): the entries are exactly those present at
     * {@code revision()}.
     */
    StoredPage snapshot();

    /**
     * Replaces the whole content with a snapshot: afterwards {@code currentRevision() >=
     * snapshot.revision()} and every entry is present with its value; create/mod revisions are
     * kept where the engine allows, else renumbered above {@code snapshot.revision()}. Watches
     * open before it are ended with {@link StoreException.Compacted} so that their owners relist.
     */
    void restore(StoredPage snapshot);
}
