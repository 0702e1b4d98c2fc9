package io.gantry.benchmarks;

import io.gantry.api.Configs;
import io.gantry.api.client.Informers;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.Watch;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.client.WatchListener;
import io.gantry.api.cluster.SoleLeader;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.apiserver.Registry;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The control plane of a node in this JVM, without HTTP: the API server ({@code Registry}) over
 * a storage backend, the shared informers and a controller manager that leads at once with the
 * given controllers (its defaults: 4 workers each); and watches that wait for what the
 * controllers write.
 */
final class ControllerRig implements AutoCloseable {

    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    final Registry api = new Registry("bench");
    final Informers informers;
    final ControllerManager manager;
    final String description;
    private final AutoCloseable backend;

    ControllerRig(String backend, int defaultTolerationSeconds, Controller.Factory... controllers) throws Exception {
        StoreBackends.Started started = StoreBackends.start(backend);
        this.backend = started.stop();
        this.description = backend + " (" + started.description() + ")";
        api.addBackend("bench", started.backend());
        api.ensureSystemNamespaces();
        informers = new Informers(api);
        manager = new ControllerManager(api, informers, new SoleLeader(), Configs.of(ControllerManager.Config.class,
                Map.of("defaultTolerationSeconds", defaultTolerationSeconds)), List.of(controllers));
    }

    <T extends KubeObject> Probe<T> probe(ResourceKind<T> kind, Predicate<T> matches) {
        Probe<T> probe = new Probe<>(e -> e.type() != WatchEvent.Type.DELETED && matches.test(e.object()), 1);
        probe.watch = api.watch(kind, null, ListOptions.ALL, probe);
        return probe;
    }

    /** Waits for {@code count} deletions of pods whose names start with the prefix. */
    Probe<Pod> deletions(String prefix, int count) {
        Probe<Pod> probe = new Probe<>(e -> e.type() == WatchEvent.Type.DELETED
                && e.object().metadata.name.startsWith(prefix), count);
        probe.watch = api.watch(ResourceKind.PODS, null, ListOptions.ALL, probe);
        return probe;
    }

    void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not reached within 30 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() throws Exception {
        manager.close();
        informers.close();
        api.watches().close();
        backend.close();
    }

    /** Waits for the first watch event that matches, and gives the time from a start to it. */
    static final class Probe<T extends KubeObject> implements WatchListener<T> {
        private final Predicate<WatchEvent<T>> matches;
        private final AtomicLong seenAt = new AtomicLong();
        private final int needed;
        private int matched;
        private Watch watch;

        Probe(Predicate<WatchEvent<T>> matches, int needed) {
            this.matches = matches;
            this.needed = needed;
        }

        @Override
        public synchronized void onEvent(WatchEvent<T> event) {
            if (seenAt.get() == 0 && matches.test(event) && ++matched >= needed) {
                seenAt.set(System.nanoTime());
                notifyAll();
            }
        }

        @Override
        public void onClose(io.gantry.api.client.ApiException cause) {
        }

        synchronized long await(long start) throws InterruptedException {
            long deadline = start + TIMEOUT_NANOS;
            while (seenAt.get() == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    watch.close();
                    throw new IllegalStateException("nothing seen within 30 s");
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            watch.close();
            return seenAt.get() - start;
        }
    }
}
