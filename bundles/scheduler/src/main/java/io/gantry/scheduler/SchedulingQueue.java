package io.gantry.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The pods waiting for a node, as kube-scheduler's scheduling queue: <em>active</em> (to try
 * now, higher priority first, then first come), <em>backoff</em> (tried and failed; back in
 * active once their back-off, 1 s doubling to 10 s per attempt, is over) and
 * <em>unschedulable</em> (fit nowhere; moved back when the cluster changes in a way that may
 * help: a node added or changed, a pod gone, and at the latest after five minutes). Each pod is
 * in at most one of them. Only the scheduling thread touches it.
 */
final class SchedulingQueue {

    enum Where { ACTIVE, BACKOFF, UNSCHEDULABLE, GONE }

    /** A queued pod and its scheduling history. */
    static final class Entry {
        PodProfile pod;
        int attempts;
        long seq;
        long backoffUntil;
        long unschedulableSince;
        Where where;

        Entry(PodProfile pod) {
            this.pod = pod;
        }
    }

    static final long UNSCHEDULABLE_MAX_NANOS = 5L * 60 * 1_000_000_000L;

    private final long initialBackoffNanos;
    private final long maxBackoffNanos;
    private final Map<String, Entry> entries = new HashMap<>();
    private final PriorityQueue<Entry> active = new PriorityQueue<>(
            Comparator.comparingInt((Entry e) -> -e.pod.priority).thenComparingLong(e -> e.seq));
    private final PriorityQueue<Entry> backoff = new PriorityQueue<>(Comparator.comparingLong(e -> e.backoffUntil));
    private final Map<String, Entry> unschedulable = new HashMap<>();
    private long seq;

    SchedulingQueue(long initialBackoffNanos, long maxBackoffNanos) {
        this.initialBackoffNanos = initialBackoffNanos;
        this.maxBackoffNanos = maxBackoffNanos;
    }

    /** Queues a pod, or refreshes the queued one; a changed unschedulable pod is tried again. */
    void add(PodProfile pod) {
        Entry entry = entries.get(pod.key);
        if (entry == null) {
            entry = new Entry(pod);
            entries.put(pod.key, entry);
            toActive(entry);
            return;
        }
        entry.pod = pod;
        if (entry.where == Where.UNSCHEDULABLE) {
            unschedulable.remove(pod.key);
            toActiveOrBackoff(entry, System.nanoTime());
        }
    }

    boolean contains(String key) {
        return entries.containsKey(key);
    }

    /** The next pod to try, or null; it leaves the queue (an attempt is counted). */
    Entry pop() {
        Entry entry;
        while ((entry = active.poll()) != null) {
            if (entry.where == Where.ACTIVE) {
                entries.remove(entry.pod.key);
                entry.where = Where.GONE;
                entry.attempts++;
                return entry;
            }
        }
        return null;
    }

    /** A tried pod that fits nowhere: waits for a cluster change (and its back-off). */
    void unschedulable(Entry entry, long now) {
        if (entries.containsKey(entry.pod.key)) {
            return; // queued again meanwhile, with a newer pod
        }
        entry.backoffUntil = now + backoff(entry.attempts);
        entry.unschedulableSince = now;
        entry.where = Where.UNSCHEDULABLE;
        entries.put(entry.pod.key, entry);
        unschedulable.put(entry.pod.key, entry);
    }

    /** A tried pod that failed for another reason (its binding): tried again after its back-off. */
    void backoff(Entry entry, long now) {
        if (entries.containsKey(entry.pod.key)) {
            return;
        }
        entry.backoffUntil = now + backoff(entry.attempts);
        entries.put(entry.pod.key, entry);
        entry.where = Where.BACKOFF;
        backoff.add(entry);
    }

    void delete(String key) {
        Entry entry = entries.remove(key);
        if (entry != null) {
            if (entry.where == Where.UNSCHEDULABLE) {
                unschedulable.remove(key);
            }
            entry.where = Where.GONE; // left in active or backoff, skipped there
        }
    }

    /** A cluster event that may make unschedulable pods fit: all of them move on. */
    void moveAllToActiveOrBackoff(long now) {
        if (unschedulable.isEmpty()) {
            return;
        }
        List<Entry> moving = new ArrayList<>(unschedulable.values());
        unschedulable.clear();
        for (Entry entry : moving) {
            toActiveOrBackoff(entry, now);
        }
    }

    /** Moves pods whose back-off is over to active, and pods unschedulable for five minutes on. */
    void flush(long now) {
        Entry head;
        while ((head = backoff.peek()) != null && (head.where != Where.BACKOFF || head.backoffUntil <= now)) {
            backoff.poll();
            if (head.where == Where.BACKOFF) {
                toActive(head);
            }
        }
        if (!unschedulable.isEmpty()) {
            List<Entry> stale = new ArrayList<>();
            for (Entry entry : unschedulable.values()) {
                if (now - entry.unschedulableSince >= UNSCHEDULABLE_MAX_NANOS) {
                    stale.add(entry);
                }
            }
            for (Entry entry : stale) {
                unschedulable.remove(entry.pod.key);
                toActiveOrBackoff(entry, now);
            }
        }
    }

    /** Nanoseconds until the next pod leaves back-off (at most a second, for the five-minute flush), 0 if one is active. */
    long nanosToNext(long now) {
        if (hasActive()) {
            return 0;
        }
        Entry head = backoff.peek();
        long next = head == null ? 1_000_000_000L : Math.max(0, head.backoffUntil - now);
        return Math.min(next, 1_000_000_000L);
    }

    boolean hasActive() {
        while (!active.isEmpty() && active.peek().where != Where.ACTIVE) {
            active.poll();
        }
        return !active.isEmpty();
    }

    int size() {
        return entries.size();
    }

    Where where(String key) {
        Entry entry = entries.get(key);
        return entry == null ? null : entry.where;
    }

    /** Kubernetes' pod back-off: the initial duration doubled per attempt after the first, capped. */
    long backoff(int attempts) {
        long duration = initialBackoffNanos;
        for (int i = 1; i < attempts && duration < maxBackoffNanos; i++) {
            duration *= 2;
        }
        return Math.min(duration, maxBackoffNanos);
    }

    private void toActiveOrBackoff(Entry entry, long now) {
        if (entry.backoffUntil > now) {
            entry.where = Where.BACKOFF;
            backoff.add(entry);
        } else {
            toActive(entry);
        }
    }

    private void toActive(Entry entry) {
        entry.where = Where.ACTIVE;
        entry.seq = seq++;
        active.add(entry);
    }
}
