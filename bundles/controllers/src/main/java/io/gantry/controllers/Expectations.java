package io.gantry.controllers;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What a controller waits to see in its informer before it acts on an object again, as
 * Kubernetes' {@code UIDTrackingControllerExpectations}: after creating N pods it expects N adds,
 * after deleting some pods it expects exactly those to go. Until then (or until the expectations
 * expire, should an event be lost) a reconciliation only reports status and changes nothing, so
 * a burst of creates is never doubled by a reconciliation that ran before the informer caught up.
 *
 * <p>A deletion counts once per pod key, whether it is seen as the pod's deletionTimestamp or as
 * its removal. Thread-safe: informer handlers observe while workers expect.
 */
public final class Expectations {

    /** As Kubernetes' ExpectationsTimeout: a lost event delays a controller this long, not forever. */
    public static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final Map<String, Expected> byKey = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    public Expectations() {
        this(System::nanoTime);
    }

    /** Expectations on a clock of nanoseconds; for tests. */
    Expectations(LongSupplier clock) {
        this.clock = clock;
    }

    /** True if the controller of this key may act: nothing expected, all seen, or expired. */
    public boolean satisfied(String key) {
        Expected expected = byKey.get(key);
        return expected == null || expected.fulfilled()
                || clock.getAsLong() - expected.since > TIMEOUT.toNanos();
    }

    /** Expects this many creations (forgetting earlier expectations). */
    public void expectCreations(String key, int adds) {
        byKey.put(key, new Expected(adds, Set.of(), clock.getAsLong()));
    }

    /** Expects these objects ({@code namespace/name}) to go (forgetting earlier expectations). */
    public void expectDeletions(String key, Collection<String> deletedKeys) {
        byKey.put(key, new Expected(0, deletedKeys, clock.getAsLong()));
    }

    /** One expected creation was seen, or will never be (its create failed). */
    public void creationObserved(String key) {
        Expected expected = byKey.get(key);
        if (expected != null) {
            expected.lowerAdds();
        }
    }

    /** An object went (or will not: its delete failed); counts only if it was expected to go. */
    public void deletionObserved(String key, String deletedKey) {
        Expected expected = byKey.get(key);
        if (expected != null) {
            expected.observeDeletion(deletedKey);
        }
    }

    /** Forgets the key, as when its object is gone. */
    public void delete(String key) {
        byKey.remove(key);
    }

    private static final class Expected {
        private int adds;
        private final Set<String> deletions;
        private final long since;

        Expected(int adds, Collection<String> deletions, long since) {
            this.adds = adds;
            this.deletions = new HashSet<>(deletions);
            this.since = since;
        }

        synchronized boolean fulfilled() {
            return adds <= 0 && deletions.isEmpty();
        }

        synchronized void lowerAdds() {
            adds--;
        }

        synchronized void observeDeletion(String key) {
            deletions.remove(key);
        }
    }
}
