package io.gantry.controllers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Expectations: met by what the informer sees, each deletion once, and expiring. */
class ExpectationsTest {

    private final AtomicLong nanos = new AtomicLong();
    private final Expectations expectations = new Expectations(nanos::get);

    @Test
    void creationsAreMetWhenAllAreSeen() {
        assertTrue(expectations.satisfied("ns/web"), "nothing expected yet");
        expectations.expectCreations("ns/web", 2);
        assertFalse(expectations.satisfied("ns/web"));
        expectations.creationObserved("ns/web");
        assertFalse(expectations.satisfied("ns/web"));
        expectations.creationObserved("ns/web");
        assertTrue(expectations.satisfied("ns/web"));
    }

    @Test
    void aDeletionCountsOnceWhetherSeenAsMarkOrRemoval() {
        expectations.expectDeletions("ns/web", List.of("ns/a", "ns/b"));
        expectations.deletionObserved("ns/web", "ns/a"); // marked
        expectations.deletionObserved("ns/web", "ns/a"); // removed
        expectations.deletionObserved("ns/web", "ns/other");
        assertFalse(expectations.satisfied("ns/web"));
        expectations.deletionObserved("ns/web", "ns/b");
        assertTrue(expectations.satisfied("ns/web"));
    }

    @Test
    void expectationsExpireSoALostEventDelaysButNeverStops() {
        expectations.expectCreations("ns/web", 1);
        nanos.addAndGet(Expectations.TIMEOUT.toNanos() - 1);
        assertFalse(expectations.satisfied("ns/web"));
        nanos.addAndGet(2);
        assertTrue(expectations.satisfied("ns/web"));
    }
}
