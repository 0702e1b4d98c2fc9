package io.gantry.store.hazelcast;

import com.hazelcast.core.HazelcastInstance;

/**
 * The store's revision counter as one member sees it. It is not itself replicated: the revision
 * of every change is written into the change's record, and the backup of that record moves this
 * member's clock forward, so a member holding a replica knows the highest revision in it.
 *
 * <p>Only the partition thread of the store's partition touches a clock (the store's entry
 * processors run there, on the primary and on the backups), so the methods need no lock; they
 * are synchronized only to publish the state to the threads that read it for diagnostics.
 *
 * <p>A clock may number new writes only while {@linkplain #trusted() trusted}. It stops being
 * trusted whenever this member turns from applying backups (or from nothing) to acting as
 * primary, or finds that the store's metadata record names another member as the primary (it was
 * primary before, and the partition went elsewhere and came back). The store then rebuilds the
 * clock from every record ({@link ClockSync}), and trusting it records this member as the primary
 * in the metadata record ({@link ClockProbe}). If the primary recorded before is still in the
 * cluster, the partition moved to this member by migration, which copies everything the old
 * primary had: the highest revision found is exact. If that member is gone, this one was promoted
 * after the primary died, and cannot know which revisions the dead primary gave to writes that
 * never reached a backup (a watch may even have seen them): the clock jumps ahead by
 * {@link #FAILOVER_GAP}. No revision is ever given twice; a failover leaves a gap.
 */
final class RevisionClock {

    /**
     * More than the writes a primary can have applied and not yet replicated (each waits for its
     * backup before it is acknowledged, so they are bounded by the writers in flight).
     */
    static final long FAILOVER_GAP = 100_000;

    private long revision;
    private boolean primary;
    private boolean trusted;
    private long epoch;

    /** The clock of a store on a member, made on first use. */
    static RevisionClock of(HazelcastInstance member, String store) {
        return (RevisionClock) member.getUserContext().computeIfAbsent(key(store), k -> new RevisionClock());
    }

    static String key(String store) {
        return "io.gantry.store.hazelcast.clock." + store;
    }

    /** Called by every operation on the primary: whether it may read or number revisions. */
    synchronized boolean actAsPrimary() {
        if (!primary) {
            primary = true;
            trusted = false;
            epoch++;
        }
        return trusted;
    }

    /** This member found out it is not the primary the store records: rebuild before numbering. */
    synchronized void untrust() {
        primary = false;
        trusted = false;
    }

    /** Called by every backup: the replica this member holds now reaches {@code seen}. */
    synchronized void observeAsBackup(long seen) {
        primary = false;
        trusted = false;
        revision = Math.max(revision, seen);
    }

    /** The next revision; only when {@link #actAsPrimary()} said the clock is trusted. */
    synchronized long next() {
        if (!trusted) {
            throw new IllegalStateException("revision clock is not trusted");
        }
        return ++revision;
    }

    synchronized long current() {
        return revision;
    }

    synchronized boolean trusted() {
        return trusted;
    }

    synchronized long epoch() {
        return epoch;
    }

    /**
     * Trusts the clock again after {@link ClockSync} found {@code highest} as the highest revision
     * in the replica, unless this member's role changed since the sync began ({@code epoch}).
     */
    synchronized void trust(long highest, long syncEpoch, boolean primaryLost) {
        if (trusted || !primary || syncEpoch != epoch) {
            return;
        }
        long known = Math.max(revision, highest);
        // An empty store had no earlier primary whose revisions could be unknown here.
        revision = primaryLost && known > 0 ? known + FAILOVER_GAP : known;
        trusted = true;
    }

    /** Moves the clock to at least {@code floor} (a restore); on the primary only. */
    synchronized void advanceTo(long floor) {
        revision = Math.max(revision, floor);
    }
}
