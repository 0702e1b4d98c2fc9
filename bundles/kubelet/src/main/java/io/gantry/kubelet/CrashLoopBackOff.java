package io.gantry.kubelet;

import java.time.Duration;

/**
 * How long a container that exited waits before it runs again, as the Kubernetes kubelet counts
 * it: the first restart at once, then {@code base}, doubled per restart up to {@code cap}
 * (10 s and 5 min in Kubernetes). A container that ran for twice the cap before it exited
 * starts again at once.
 */
record CrashLoopBackOff(Duration base, Duration cap) {

    static final CrashLoopBackOff KUBERNETES = new CrashLoopBackOff(Duration.ofSeconds(10), Duration.ofMinutes(5));

    /** The wait after the exit of the container that was restarted {@code restarts} times so far. */
    Duration delay(int restarts, Duration ranFor) {
        if (restarts <= 0 || ranFor != null && ranFor.compareTo(cap.multipliedBy(2)) >= 0) {
            return Duration.ZERO;
        }
        Duration delay = base;
        for (int i = 1; i < restarts && delay.compareTo(cap) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(cap) > 0 ? cap : delay;
    }
}
