package io.gantry.cluster;

import io.gantry.api.cluster.LeaderElection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A candidate that records its calls and when they came, and fails the test if they do not alternate. */
final class RecordingCandidate implements LeaderElection.Candidate {

    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile LeaderElection.Term term;
    volatile long startedNanos;
    volatile long stoppedNanos;
    volatile boolean leading;
    volatile String error;

    @Override
    public void startLeading(LeaderElection.Term term) {
        if (leading) {
            error = "startLeading twice";
        }
        this.term = term;
        startedNanos = System.nanoTime();
        leading = true;
        calls.add("start " + term.holder() + " " + term.epoch());
    }

    @Override
    public void stopLeading() {
        if (!leading) {
            error = "stopLeading without startLeading";
        }
        stoppedNanos = System.nanoTime();
        leading = false;
        calls.add("stop");
    }
}
