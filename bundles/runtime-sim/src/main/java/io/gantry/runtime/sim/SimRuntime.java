package io.gantry.runtime.sim;

import io.gantry.api.Plugins;
import io.gantry.api.runtime.ContainerConfig;
import io.gantry.api.runtime.ContainerRuntime;
import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.ExecResult;
import io.gantry.api.runtime.PullPolicy;
import io.gantry.api.runtime.SandboxConfig;
import io.gantry.api.runtime.SandboxStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A runtime that runs nothing, for scale tests of many pods on many simulated nodes: sandboxes and
 * containers live in memory; a container's start takes the configured delay, after which it is
 * Running or, at the configured rate, has exited with code 1 (the draws come from a seeded random, so a run can
 * be repeated). Stopping a container ends it at once with code 0. Nothing survives the instance:
 * a new one starts empty, and the kubelet starts the pods again.
 */
@Component(service = ContainerRuntime.class, property = Plugins.NAME + "=" + SimRuntime.NAME,
        configurationPid = SimRuntime.PID)
@Designate(ocd = SimRuntime.Config.class)
public class SimRuntime implements ContainerRuntime {

    public static final String NAME = "sim";
    public static final String PID = "io.gantry.runtime.sim";

    @ObjectClassDefinition(name = "Gantry simulated runtime")
    public @interface Config {

        @AttributeDefinition(description = "Milliseconds a container's start takes, after which it runs (or has failed)")
        long startDelayMillis() default 200;

        @AttributeDefinition(description = "Share of container starts that fail with exit code 1, from 0 to 1")
        double failureRate() default 0;

        @AttributeDefinition(description = "Seed of the draws that decide which starts fail")
        long seed() default 1;
    }

    private record Sandbox(SandboxConfig config, String id, Instant createdAt, boolean ready) {
    }

    /** A container; {@code runsAt} is when its start took effect, null until started. */
    private record Sim(String id, String sandboxId, String podUid, ContainerConfig config, Instant createdAt,
                       Instant runsAt, boolean fails, Instant finishedAt, int exitCode) {

        ContainerStatus status(Instant now) {
            ContainerStatus.State state;
            int code = exitCode;
            String reason = null;
            Instant started = runsAt;
            Instant finished = finishedAt;
            if (runsAt == null) {
                state = ContainerStatus.State.CREATED;
                started = null;
            } else if (finishedAt == null && fails) {
                state = ContainerStatus.State.EXITED;
                code = 1;
                finished = runsAt;
            } else {
                state = finishedAt == null ? ContainerStatus.State.RUNNING : ContainerStatus.State.EXITED;
            }
            if (state == ContainerStatus.State.EXITED) {
                reason = code == 0 ? "Completed" : "Error";
            }
            return new ContainerStatus(id, podUid, config.name(), config.attempt(), state, config.image(),
                    "sim://" + config.image(), code, reason, createdAt, started, finished);
        }
    }

    private record Subscriber(String nodeName, Consumer<String> changedPodUid) {
    }

    private final Duration startDelay;
    private final double failureRate;
    private final Random random;
    private final Clock clock;
    private final Map<String, Sandbox> sandboxes = new ConcurrentHashMap<>();
    private final Map<String, Sim> containers = new ConcurrentHashMap<>();
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();

    @Activate
    public SimRuntime(Config config) {
        this(config, Clock.systemUTC());
    }

    SimRuntime(Config config, Clock clock) {
        if (config.failureRate() < 0 || config.failureRate() > 1) {
            throw new IllegalArgumentException("failureRate in etc/" + PID + ".cfg must be from 0 to 1, not "
                    + config.failureRate());
        }
        this.startDelay = Duration.ofMillis(Math.max(0, config.startDelayMillis()));
        this.failureRate = config.failureRate();
        this.random = new Random(config.seed());
        this.clock = clock;
    }

    @Deactivate
    public void deactivate() {
        subscribers.clear();
    }

    @Override
    public String version() {
        return "sim://1.0";
    }

    @Override
    public String runPodSandbox(SandboxConfig config) {
        String id = "sim-" + UUID.randomUUID();
        sandboxes.put(id, new Sandbox(config, id, clock.instant(), true));
        changed(config.nodeName(), config.podUid());
        return id;
    }

    @Override
    public void stopPodSandbox(String sandboxId) {
        containers.values().stream().filter(c -> c.sandboxId().equals(sandboxId))
                .forEach(c -> stopContainer(c.id(), Duration.ZERO));
        Sandbox stopped = sandboxes.computeIfPresent(sandboxId, (id, s) -> new Sandbox(s.config(), id, s.createdAt(), false));
        if (stopped != null) {
            changed(stopped.config().nodeName(), stopped.config().podUid());
        }
    }

    @Override
    public void removePodSandbox(String sandboxId) {
        containers.values().removeIf(c -> c.sandboxId().equals(sandboxId));
        Sandbox removed = sandboxes.remove(sandboxId);
        if (removed != null) {
            changed(removed.config().nodeName(), removed.config().podUid());
        }
    }

    @Override
    public List<SandboxStatus> listPodSandboxes(String nodeName) {
        return sandboxes.values().stream().filter(s -> s.config().nodeName().equals(nodeName))
                .map(s -> new SandboxStatus(s.id(), s.config().podUid(), s.config().namespace(), s.config().podName(),
                        s.config().attempt(), s.config().runtimeHandler() == null ? NAME : s.config().runtimeHandler(),
                        s.ready(), s.config().podIp(), s.createdAt()))
                .toList();
    }

    /** Every image is present: nothing is pulled. */
    @Override
    public void ensureImage(String image, PullPolicy policy) {
        // simulated images need no pull
    }

    @Override
    public String createContainer(String sandboxId, ContainerConfig config, SandboxConfig sandbox) {
        if (!sandboxes.containsKey(sandboxId)) {
            throw new IllegalStateException("the sandbox of pod " + sandbox.podName() + " is gone");
        }
        String id = "sim-" + UUID.randomUUID();
        containers.put(id, new Sim(id, sandboxId, sandbox.podUid(), config, clock.instant(), null, false, null, 0));
        return id;
    }

    /**
     * Takes the start delay, as an engine's start call takes its time, then the container runs, or
     * has failed. (A container reported Created after its start would look to the kubelet like one
     * that never started.)
     */
    @Override
    public void startContainer(String containerId) {
        if (!containers.containsKey(containerId)) {
            throw new IllegalStateException("container " + containerId + " does not exist");
        }
        boolean fails;
        synchronized (random) {
            fails = random.nextDouble() < failureRate;
        }
        try {
            Thread.sleep(startDelay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("start of container " + containerId + " interrupted", e);
        }
        Sim started = containers.computeIfPresent(containerId, (id, c) -> new Sim(id, c.sandboxId(), c.podUid(), c.config(),
                c.createdAt(), clock.instant(), fails, null, 0));
        if (started == null) {
            throw new IllegalStateException("container " + containerId + " was removed while it started");
        }
        notify(started);
    }

    @Override
    public void stopContainer(String containerId, Duration gracePeriod) {
        Instant now = clock.instant();
        Sim stopped = containers.computeIfPresent(containerId, (id, c) -> {
            ContainerStatus status = c.status(now);
            if (status.state() == ContainerStatus.State.EXITED) {
                return c;
            }
            return new Sim(id, c.sandboxId(), c.podUid(), c.config(), c.createdAt(), c.runsAt() == null ? null : now,
                    false, now, 0);
        });
        if (stopped != null) {
            notify(stopped);
        }
    }

    @Override
    public void removeContainer(String containerId) {
        Sim removed = containers.remove(containerId);
        if (removed != null) {
            notify(removed);
        }
    }

    @Override
    public List<ContainerStatus> listContainers(String nodeName) {
        Instant now = clock.instant();
        return containers.values().stream()
                .filter(c -> {
                    Sandbox sandbox = sandboxes.get(c.sandboxId());
                    return sandbox != null && sandbox.config().nodeName().equals(nodeName);
                })
                .map(c -> c.status(now)).toList();
    }

    @Override
    public ContainerStatus containerStatus(String containerId) {
        Sim container = containers.get(containerId);
        return container == null ? null : container.status(clock.instant());
    }

    /** Every command succeeds in a running container, with no output. */
    @Override
    public ExecResult exec(String containerId, List<String> command, Duration timeout) {
        ContainerStatus status = containerStatus(containerId);
        if (status == null || status.state() != ContainerStatus.State.RUNNING) {
            return new ExecResult(126, false, "container " + containerId + " is not running");
        }
        return new ExecResult(0, false, "");
    }

    @Override
    public AutoCloseable watch(String nodeName, Consumer<String> changedPodUid) {
        Subscriber subscriber = new Subscriber(nodeName, changedPodUid);
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    private void notify(Sim container) {
        Sandbox sandbox = sandboxes.get(container.sandboxId());
        if (sandbox != null) {
            changed(sandbox.config().nodeName(), container.podUid());
        }
    }

    private void changed(String nodeName, String podUid) {
        for (Subscriber subscriber : subscribers) {
            if (subscriber.nodeName().equals(nodeName)) {
                subscriber.changedPodUid().accept(podUid);
            }
        }
    }
}
