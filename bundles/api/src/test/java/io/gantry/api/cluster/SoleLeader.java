package io.gantry.api.cluster;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link LeaderElection} for tests of one JVM: every campaign leads at once, and a test can
 * depose and re-elect them all ({@link #depose}, {@link #elect}) to play a change of leader.
 */
public final class SoleLeader implements LeaderElection {

    private final String holder;
    private final AtomicLong epoch = new AtomicLong();
    private final CopyOnWriteArrayList<Entry> campaigns = new CopyOnWriteArrayList<>();
    private final Map<String, Term> terms = new ConcurrentHashMap<>();
    private volatile boolean leading = true;

    public SoleLeader() {
        this("node-1");
    }

    public SoleLeader(String holder) {
        this.holder = holder;
    }

    @Override
    public Campaign campaign(String role, Candidate candidate) {
        Entry entry = new Entry(role, candidate);
        campaigns.add(entry);
        if (leading) {
            entry.start(term(role));
        }
        return entry;
    }

    @Override
    public Term current(String role) {
        return leading ? terms.get(role) : null;
    }

    /** Every campaign stops leading. */
    public void depose() {
        leading = false;
        terms.clear();
        campaigns.forEach(Entry::stop);
    }

    /** Every campaign leads again, in a new term. */
    public void elect() {
        leading = true;
        campaigns.forEach(e -> e.start(term(e.role)));
    }

    private Term term(String role) {
        return terms.computeIfAbsent(role, r -> new Term(r, holder, epoch.incrementAndGet()));
    }

    private final class Entry implements Campaign {
        private final String role;
        private final Candidate candidate;
        private boolean leads;
        private boolean closed;

        Entry(String role, Candidate candidate) {
            this.role = role;
            this.candidate = candidate;
        }

        synchronized void start(Term term) {
            if (!leads && !closed) {
                leads = true;
                candidate.startLeading(term);
            }
        }

        synchronized void stop() {
            if (leads) {
                leads = false;
                candidate.stopLeading();
            }
        }

        @Override
        public synchronized boolean isLeading() {
            return leads;
        }

        @Override
        public synchronized void close() {
            stop();
            closed = true;
            campaigns.remove(this);
        }
    }
}
