package io.gantry.kubelet;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Probe;
import io.gantry.api.runtime.ContainerRuntime;
import io.gantry.api.runtime.ContainerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs the liveness, readiness and startup probes of running containers, one worker per
 * container and probe, as the Kubernetes kubelet's probe manager does: a worker starts after
 * {@code initialDelaySeconds}, checks every {@code periodSeconds}, and changes its result after
 * {@code successThreshold} successes or {@code failureThreshold} failures in a row. Liveness and
 * readiness wait until the startup probe succeeded. A changed result asks for a sync of the pod.
 */
final class ProbeManager implements ProbeView {

    enum Kind {
        LIVENESS("Liveness"), READINESS("Readiness"), STARTUP("Startup");

        /** As in the kubelet's events: "Liveness probe failed: ...". */
        final String title;

        Kind(String title) {
            this.title = title;
        }
    }

    /** Told of every failed check, for which the Kubernetes kubelet records an Unhealthy event. */
    interface Failures {
        void failed(Pod pod, String container, String message);
    }

    private final ScheduledExecutorService pool;
    private final Consumer<String> changed;
    private final Failures unhealthy;
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();

    /**
     * @param changed  called with the pod uid when a result changes
     * @param unhealthy told of each failed check, with the message of its event
     */
    ProbeManager(ScheduledExecutorService pool, Consumer<String> changed, Failures unhealthy) {
        this.pool = pool;
        this.changed = changed;
        this.unhealthy = unhealthy;
    }

    /** Starts workers for the pod's running containers that have probes, and stops those of containers gone. */
    void sync(Pod pod, ObservedPod observed, String podIp, ContainerRuntime runtime) {
        Set<String> wanted = new HashSet<>();
        for (Container container : pod.spec.containers) {
            ContainerStatus latest = observed.latest(container.name);
            if (latest == null || latest.state() != ContainerStatus.State.RUNNING) {
                continue;
            }
            probe(pod, container, latest, Kind.STARTUP, container.startupProbe, podIp, runtime, wanted);
            probe(pod, container, latest, Kind.LIVENESS, container.livenessProbe, podIp, runtime, wanted);
            probe(pod, container, latest, Kind.READINESS, container.readinessProbe, podIp, runtime, wanted);
        }
        workers.values().removeIf(worker -> {
            if (worker.podUid().equals(pod.metadata.uid) && !wanted.contains(worker.key())) {
                worker.stop();
                return true;
            }
            return false;
        });
    }

    /** Stops every worker of the pod. */
    void forget(String podUid) {
        workers.values().removeIf(worker -> {
            if (worker.podUid().equals(podUid)) {
                worker.stop();
                return true;
            }
            return false;
        });
    }

    private void probe(Pod pod, Container container, ContainerStatus running, Kind kind, Probe probe, String podIp,
                       ContainerRuntime runtime, Set<String> wanted) {
        if (probe == null) {
            return;
        }
        String key = running.id() + "/" + kind;
        wanted.add(key);
        workers.computeIfAbsent(key, k -> new Worker(pod, container, running, kind, probe, podIp, runtime)
                .start(running.startedAt()));
    }

    @Override
    public boolean alive(String containerId) {
        Worker worker = workers.get(containerId + "/" + Kind.LIVENESS);
        return worker == null || worker.result != Boolean.FALSE;
    }

    @Override
    public boolean started(String containerId) {
        Worker worker = workers.get(containerId + "/" + Kind.STARTUP);
        return worker == null || worker.result == Boolean.TRUE;
    }

    @Override
    public boolean startupFailed(String containerId) {
        Worker worker = workers.get(containerId + "/" + Kind.STARTUP);
        return worker != null && worker.result == Boolean.FALSE;
    }

    @Override
    public boolean ready(String containerId) {
        Worker worker = workers.get(containerId + "/" + Kind.READINESS);
        return worker == null || worker.result == Boolean.TRUE;
    }

    /** One probe of one container. */
    private final class Worker implements Runnable {
        private final Pod pod;
        private final Container container;
        private final ContainerStatus running;
        private final Kind kind;
        private final Probe probe;
        private final String podIp;
        private final ContainerRuntime runtime;
        /** null while unknown; liveness starts as passed, readiness and startup as unknown (not ready, not started). */
        volatile Boolean result;
        private int successes;
        private int failures;
        private ScheduledFuture<?> future;

        Worker(Pod pod, Container container, ContainerStatus running, Kind kind, Probe probe, String podIp,
               ContainerRuntime runtime) {
            this.pod = pod;
            this.container = container;
            this.running = running;
            this.kind = kind;
            this.probe = probe;
            this.podIp = podIp;
            this.runtime = runtime;
            this.result = kind == Kind.LIVENESS ? Boolean.TRUE : null;
        }

        String key() {
            return running.id() + "/" + kind;
        }

        String podUid() {
            return pod.metadata.uid;
        }

        Worker start(Instant startedAt) {
            long delay = Duration.ofSeconds(ProbeTimings.initialDelaySeconds(probe)).toMillis();
            if (startedAt != null) {
                delay = Math.max(0, startedAt.toEpochMilli() + delay - System.currentTimeMillis());
            }
            future = pool.scheduleWithFixedDelay(this, delay, ProbeTimings.periodSeconds(probe) * 1000L, TimeUnit.MILLISECONDS);
            return this;
        }

        void stop() {
            if (future != null) {
                future.cancel(false);
            }
        }

        @Override
        public void run() {
            if (kind != Kind.STARTUP && !started(running.id())) {
                return; // liveness and readiness wait for the startup probe
            }
            if (kind == Kind.STARTUP && result != null) {
                return; // a startup probe decides once
            }
            Prober.Result check = Prober.check(probe, container, running.id(), podIp, runtime);
            Boolean before = result;
            if (check.ok()) {
                failures = 0;
                if (++successes >= (kind == Kind.READINESS ? ProbeTimings.successThreshold(probe) : 1)) {
                    result = Boolean.TRUE;
                }
            } else {
                successes = 0;
                if (++failures >= ProbeTimings.failureThreshold(probe)) {
                    result = Boolean.FALSE;
                }
                unhealthy.failed(pod, container.name, kind.title + " probe failed: " + check.output());
            }
            if (result != before) {
                changed.accept(podUid());
            }
        }
    }
}
