package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code Lifecycle}: hooks run after a container starts and before it is stopped. */
public class Lifecycle extends Extensible {

    public LifecycleHandler postStart;
    public LifecycleHandler preStop;

    /** Kubernetes {@code LifecycleHandler}: exactly one action. */
    public static class LifecycleHandler extends Extensible {
        public Probe.ExecAction exec;
        public Probe.HTTPGetAction httpGet;
        public Probe.TCPSocketAction tcpSocket;
        public SleepAction sleep;
    }

    /** Kubernetes {@code SleepAction}. */
    public static class SleepAction extends Extensible {
        public Long seconds;
    }
}
