package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code ContainerState}: exactly one of waiting, running or terminated is set. */
public class ContainerState extends Extensible {

    public Waiting waiting;
    public Running running;
    public Terminated terminated;

    /** Not running yet: {@code ContainerCreating}, {@code ErrImagePull}, {@code CrashLoopBackOff}, ... */
    public static class Waiting extends Extensible {
        public String reason;
        public String message;
    }

    /** Running since {@code startedAt}. */
    public static class Running extends Extensible {
        public String startedAt;
    }

    /** Ended with an exit code. */
    public static class Terminated extends Extensible {
        public Integer exitCode;
        public Integer signal;
        public String reason;
        public String message;
        public String startedAt;
        public String finishedAt;
        public String containerID;
    }

    public static ContainerState waiting(String reason, String message) {
        ContainerState state = new ContainerState();
        state.waiting = new Waiting();
        state.waiting.reason = reason;
        state.waiting.message = message;
        return state;
    }

    public static ContainerState running(String startedAt) {
        ContainerState state = new ContainerState();
        state.running = new Running();
        state.running.startedAt = startedAt;
        return state;
    }
}
