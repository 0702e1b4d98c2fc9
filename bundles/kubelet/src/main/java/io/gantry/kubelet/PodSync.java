package io.gantry.kubelet;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.EventRecorder;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ContainerPort;
import io.gantry.api.core.v1.Event;
import io.gantry.api.core.v1.Lifecycle;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodStatus;
import io.gantry.api.core.v1.Probe;
import io.gantry.api.core.v1.Quantity;
import io.gantry.api.core.v1.SecurityContext;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.runtime.ContainerConfig;
import io.gantry.api.runtime.ContainerRuntime;
import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.ImageUnavailableException;
import io.gantry.api.runtime.Mount;
import io.gantry.api.runtime.PortMapping;
import io.gantry.api.runtime.PullPolicy;
import io.gantry.api.runtime.RuntimeUnavailableException;
import io.gantry.api.runtime.SandboxConfig;
import io.gantry.api.runtime.SandboxStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One turn of a pod worker: observe (the relister's view of the pod), compute the actions
 * ({@link PodActions#compute}), run them, then derive and report the status from what is
 * observed afterwards. A pod marked for deletion is stopped gracefully instead (preStop hooks,
 * SIGTERM, SIGKILL after the grace period, its containers in parallel) and then deleted.
 *
 * <p>Between turns the kubelet remembers only failed image pulls (for their back-off); everything
 * else is in the runtime, so a restarted kubelet adopts what runs instead of starting it again.
 */
final class PodSync {

    private static final Logger LOG = LoggerFactory.getLogger(PodSync.class);

    /** How the kubelet finds runtime plugins; each call looks the plugin up anew. */
    interface Runtimes {
        /** The runtime plugin of this name, or the node's default for null or empty; empty if not installed. */
        Optional<ContainerRuntime> find(String name);

        /** The name a pod's runtime has when the pod has not started anywhere yet. */
        String nameFor(Pod pod);

        /** Why the named runtime cannot be used, for the pod's status. */
        String describe(String name);
    }

    private final String nodeName;
    private final String hostIp;
    private final ApiClient api;
    private final Runtimes runtimes;
    private final PodAddresses addresses;
    private final PodRelister relister;
    private final ProbeManager probes;
    private final PodVolumes volumes;
    private final ConfigSource config;
    private final Map<String, String> allocatable;
    private final CrashLoopBackOff backOff;
    private final ExecutorService stoppers;
    private final Clock clock;
    /** What the kubelet does to containers, as events about their pods (Pulled, Created, Started, Killing, ...). */
    private final EventRecorder events;
    /** Asks for another turn of the pod with this key after a while (a back-off ends). */
    private final BiConsumer<String, Duration> requeue;
    private final Map<String, Map<String, PullFailure>> pullFailures = new ConcurrentHashMap<>();

    PodSync(String nodeName, String hostIp, ApiClient api, Runtimes runtimes, PodAddresses addresses, PodRelister relister,
            ProbeManager probes, PodVolumes volumes, ConfigSource config, Map<String, String> allocatable,
            CrashLoopBackOff backOff, ExecutorService stoppers, Clock clock, BiConsumer<String, Duration> requeue) {
        this.nodeName = nodeName;
        this.hostIp = hostIp;
        this.api = api;
        this.events = new EventRecorder(api, "kubelet", nodeName);
        this.runtimes = runtimes;
        this.addresses = addresses;
        this.relister = relister;
        this.probes = probes;
        this.volumes = volumes;
        this.config = config;
        this.allocatable = allocatable;
        this.backOff = backOff;
        this.stoppers = stoppers;
        this.clock = clock;
        this.requeue = requeue;
    }

    /** Syncs the pod, as the informer has it. */
    void sync(Pod cached) {
        Pod pod = Json.copy(cached);
        String uid = pod.metadata.uid;
        ObservedPod observed = relister.get(uid);
        String runtimeName = runtimeOf(pod, observed);
        Optional<ContainerRuntime> found = runtimes.find(runtimeName);
        if (found.isPresent() && !relister.listed(runtimeName) && relister.reachable(runtimeName)) {
            return; // a new kubelet, or a runtime just bound, not listed yet: its first relist gives every pod a turn
        }
        if (found.isEmpty() || !relister.reachable(runtimeName)) {
            report(pod, PodStatuses.runtimeMissing(pod, runtimes.describe(runtimeName), clock.instant()));
            return;
        }
        ContainerRuntime runtime = found.get();
        if (observed == null) {
            observed = ObservedPod.none(runtimeName);
        }
        observed.sandboxes().forEach(s -> addresses.adopt(uid, s.podIp()));
        try {
            if (pod.metadata.deletionTimestamp != null) {
                terminate(pod, runtime, observed);
                return;
            }
            String podIp = observed.latestSandbox().map(SandboxStatus::podIp).orElse(null);
            probes.sync(pod, observed, podIp, runtime);
            Map<String, PullFailure> pulls = pullFailures.computeIfAbsent(uid, k -> new ConcurrentHashMap<>());
            PodActions actions = PodActions.compute(pod, observed, probes, pulls, clock.instant(), backOff);
            Map<String, Waiting> waiting = new LinkedHashMap<>(actions.waiting());
            waiting.forEach((container, why) -> {
                if ("CrashLoopBackOff".equals(why.reason())) {
                    event(pod, container, Event.WARNING, "BackOff", "Back-off restarting failed container " + container
                            + " in pod " + pod.metadata.name + "_" + pod.metadata.namespace + "(" + pod.metadata.uid + ")");
                }
            });
            Duration again = actions.requeueAfter();
            if (!actions.isEmpty()) {
                long relists = relister.relists();
                Outcome outcome = run(pod, runtime, runtimeName, observed, actions, waiting, pulls);
                if (outcome.retry()) {
                    again = min(again, backOff.base());
                }
                if (outcome.observed() == null || relister.update(uid, outcome.observed(), relists)) {
                    relister.relist();
                }
                observed = Optional.ofNullable(relister.get(uid)).orElse(ObservedPod.none(runtimeName));
                podIp = observed.latestSandbox().map(SandboxStatus::podIp).orElse(null);
                probes.sync(pod, observed, podIp, runtime);
            } else if (PodVolumes.hasGeneratedVolumes(pod) && podIp != null) {
                volumes.refresh(pod, podIp, hostIp, allocatable);
            }
            report(pod, PodStatuses.derive(pod, observed, probes, waiting, hostIp, clock.instant()));
            if (again != null) {
                requeue.accept(key(pod), again);
            }
        } catch (RuntimeUnavailableException e) {
            report(pod, PodStatuses.runtimeMissing(pod, e.getMessage(), clock.instant()));
        }
    }

    /**
     * What running the actions gave.
     *
     * @param retry    a container could not be set up: try again later
     * @param observed the pod as it is now, read back container by container; null when a relist must tell
     */
    private record Outcome(boolean retry, ObservedPod observed) {
    }

    /** Runs the actions, in order: kill, remove, sandboxes, start. */
    private Outcome run(Pod pod, ContainerRuntime runtime, String runtimeName, ObservedPod observed, PodActions actions,
                        Map<String, Waiting> waiting, Map<String, PullFailure> pulls) {
        Duration grace = Duration.ofSeconds(gracePeriod(pod, null));
        List<CompletableFuture<?>> kills = new ArrayList<>();
        for (PodActions.Kill kill : actions.kill()) {
            LOG.info("Killing container {} of pod {}/{}: {}", kill.name(), pod.metadata.namespace, pod.metadata.name,
                    kill.reason());
            event(pod, kill.name(), Event.NORMAL, "Killing", kill.message());
            Container container = container(pod, kill.name());
            Duration killGrace = container != null && container.livenessProbe != null
                    && container.livenessProbe.terminationGracePeriodSeconds != null
                    ? Duration.ofSeconds(container.livenessProbe.terminationGracePeriodSeconds) : grace;
            kills.add(CompletableFuture.runAsync(() -> runtime.stopContainer(kill.containerId(), killGrace), stoppers));
        }
        CompletableFuture.allOf(kills.toArray(CompletableFuture[]::new)).join();
        actions.remove().forEach(runtime::removeContainer);
        for (String sandbox : actions.removeSandboxes()) {
            LOG.info("Removing replaced sandbox {} of pod {}/{}", sandbox, pod.metadata.namespace, pod.metadata.name);
            runtime.stopPodSandbox(sandbox);
            runtime.removePodSandbox(sandbox);
        }
        if (actions.stopSandbox() != null) {
            runtime.stopPodSandbox(actions.stopSandbox());
        }
        String sandboxId;
        String podIp;
        int attempt;
        if (actions.createSandbox()) {
            podIp = addresses.allocate(pod.metadata.uid);
            attempt = actions.sandboxAttempt();
            sandboxId = runtime.runPodSandbox(sandboxConfig(pod, podIp, attempt, runtimeName));
            LOG.info("Started sandbox of pod {}/{} with IP {}", pod.metadata.namespace, pod.metadata.name, podIp);
        } else {
            Optional<SandboxStatus> sandbox = observed.latestSandbox();
            if (sandbox.isEmpty()) {
                return new Outcome(false, null);
            }
            sandboxId = sandbox.get().id();
            podIp = sandbox.get().podIp();
            attempt = sandbox.get().attempt();
        }
        boolean retry = false;
        boolean unexplained = false;
        List<String> started = new ArrayList<>();
        SandboxConfig sandbox = sandboxConfig(pod, podIp, attempt, runtimeName);
        ContainerEnv env = new ContainerEnv(pod, config, podIp, hostIp, allocatable);
        for (PodActions.Start start : actions.start()) {
            Container container = start.container();
            try {
                ContainerConfig containerConfig = containerConfig(pod, container, start.attempt(), env, podIp);
                PullPolicy policy = PullPolicy.of(container.imagePullPolicy, container.image);
                String id = null;
                try {
                    if (policy == PullPolicy.IF_NOT_PRESENT) {
                        // the create itself finds out whether the image is there: one engine call less
                        try {
                            id = runtime.createContainer(sandboxId, containerConfig, sandbox);
                            event(pod, container.name, Event.NORMAL, "Pulled",
                                    "Container image \"" + container.image + "\" already present on machine");
                        } catch (ImageUnavailableException absent) {
                            runtime.ensureImage(container.image, policy);
                        }
                    } else {
                        runtime.ensureImage(container.image, policy);
                    }
                    pulls.remove(container.name);
                } catch (ImageUnavailableException e) {
                    boolean never = PullPolicy.of(container.imagePullPolicy, container.image) == PullPolicy.NEVER;
                    String reason = never ? "ErrImageNeverPull" : "ErrImagePull";
                    waiting.put(container.name, new Waiting(reason, e.getMessage()));
                    event(pod, container.name, Event.WARNING, "Failed", "Error: " + reason);
                    PullFailure before = pulls.get(container.name);
                    pulls.put(container.name, new PullFailure(before == null ? 1 : before.count() + 1, clock.instant(),
                            reason, e.getMessage()));
                    retry = true;
                    continue;
                }
                if (id == null) {
                    id = runtime.createContainer(sandboxId, containerConfig, sandbox);
                }
                event(pod, container.name, Event.NORMAL, "Created", "Created container " + container.name);
                runtime.startContainer(id);
                started.add(id);
                event(pod, container.name, Event.NORMAL, "Started", "Started container " + container.name);
                postStart(pod, container, id, podIp, runtime, waiting);
                LOG.info("Started container {} of pod {}/{} (attempt {})", container.name, pod.metadata.namespace,
                        pod.metadata.name, start.attempt());
            } catch (PodSetupException e) {
                waiting.put(container.name, e.waiting());
                retry = true;
            } catch (RuntimeUnavailableException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.warn("Cannot start container {} of pod {}/{}: {}", container.name, pod.metadata.namespace,
                        pod.metadata.name, e.getMessage());
                waiting.put(container.name, new Waiting("RunContainerError", e.getMessage()));
                event(pod, container.name, Event.WARNING, "Failed", "Error: " + e.getMessage());
                retry = true;
                unexplained = true;
            }
        }
        // after a failure the engine explains (a sandbox that did not start, say) only a relist tells what runs
        return new Outcome(retry, unexplained ? null
                : readBack(pod, runtime, runtimeName, observed, actions, sandboxId, podIp, attempt, started));
    }

    /**
     * The pod after the actions, from what they did and an inspection of each container they
     * touched; null (relist) when sandboxes were stopped or removed, which is rare.
     */
    private ObservedPod readBack(Pod pod, ContainerRuntime runtime, String runtimeName, ObservedPod before,
                                 PodActions actions, String sandboxId, String podIp, int attempt, List<String> started) {
        if (!actions.removeSandboxes().isEmpty() || actions.stopSandbox() != null) {
            return null;
        }
        List<SandboxStatus> sandboxes = new ArrayList<>(before.sandboxes());
        if (actions.createSandbox()) {
            sandboxes.add(new SandboxStatus(sandboxId, pod.metadata.uid, pod.metadata.namespace, pod.metadata.name, attempt,
                    runtimeName, true, podIp, clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        }
        Set<String> touched = new LinkedHashSet<>(started);
        actions.kill().forEach(kill -> touched.add(kill.containerId()));
        List<ContainerStatus> containers = new ArrayList<>();
        for (ContainerStatus container : before.containers()) {
            if (!actions.remove().contains(container.id()) && !touched.contains(container.id())) {
                containers.add(container);
            }
        }
        for (String id : touched) {
            ContainerStatus status = runtime.containerStatus(id);
            if (status != null && !actions.remove().contains(id)) {
                containers.add(status);
            }
        }
        containers.sort(java.util.Comparator.comparing(ContainerStatus::id));
        sandboxes.sort(java.util.Comparator.comparing(SandboxStatus::id));
        return new ObservedPod(runtimeName, List.copyOf(sandboxes), List.copyOf(containers));
    }

    /**
     * Stops everything of a pod marked for deletion, then deletes it for good: each running
     * container (in parallel) gets its preStop hook, then SIGTERM, and SIGKILL when the grace
     * period (counted from the start, hooks included) is over.
     */
    private void terminate(Pod pod, ContainerRuntime runtime, ObservedPod observed) {
        long graceSeconds = gracePeriod(pod, pod.metadata.deletionGracePeriodSeconds);
        Instant deadline = clock.instant().plusSeconds(graceSeconds);
        String podIp = observed.latestSandbox().map(SandboxStatus::podIp).orElse(null);
        probes.forget(pod.metadata.uid);
        List<CompletableFuture<?>> stops = new ArrayList<>();
        for (ContainerStatus running : observed.containers()) {
            if (running.state() != ContainerStatus.State.RUNNING) {
                continue;
            }
            Container container = container(pod, running.name());
            event(pod, running.name(), Event.NORMAL, "Killing", PodActions.Kill.stopping(running.name()));
            stops.add(CompletableFuture.runAsync(() -> {
                if (container != null && container.lifecycle != null && container.lifecycle.preStop != null && graceSeconds > 0) {
                    preStop(container, container.lifecycle.preStop, running, podIp, runtime, deadline);
                }
                // as Kubernetes: at least 2 s between SIGTERM and SIGKILL once a hook used the time up
                Duration left = Duration.between(clock.instant(), deadline);
                if (graceSeconds > 0 && left.compareTo(Duration.ofSeconds(2)) < 0) {
                    left = Duration.ofSeconds(2);
                }
                runtime.stopContainer(running.id(), left.isNegative() ? Duration.ZERO : left);
            }, stoppers));
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
        for (ContainerStatus container : observed.containers()) {
            runtime.removeContainer(container.id());
        }
        for (SandboxStatus sandbox : observed.sandboxes()) {
            runtime.stopPodSandbox(sandbox.id());
            runtime.removePodSandbox(sandbox.id());
        }
        forget(pod.metadata.uid);
        relister.relist();
        DeleteOptions options = DeleteOptions.immediately();
        options.preconditions = new DeleteOptions.Preconditions();
        options.preconditions.uid = pod.metadata.uid;
        try {
            api.delete(ResourceKind.PODS, pod.metadata.namespace, pod.metadata.name, options);
            LOG.info("Pod {}/{} stopped and deleted", pod.metadata.namespace, pod.metadata.name);
        } catch (ApiException e) {
            if (!e.isNotFound() && e.code() != 409) {
                throw e;
            }
        }
    }

    /**
     * Runs the container's postStart hook, as Kubernetes does right after the start; a hook
     * that fails kills the container, which then restarts by the pod's policy.
     */
    private void postStart(Pod pod, Container container, String id, String podIp, ContainerRuntime runtime,
                           Map<String, Waiting> waiting) {
        Lifecycle.LifecycleHandler hook = container.lifecycle == null ? null : container.lifecycle.postStart;
        if (hook == null) {
            return;
        }
        Duration timeout = Duration.ofSeconds(gracePeriod(pod, null));
        String failure = null;
        try {
            if (hook.exec != null) {
                var result = runtime.exec(id, hook.exec.command, timeout);
                if (result.timedOut() || result.exitCode() != 0) {
                    failure = "exec " + hook.exec.command + " exited with " + result.exitCode() + ": " + result.output().trim();
                }
            } else if (hook.httpGet != null) {
                int code = Prober.httpGet(hook.httpGet, container, podIp, timeout);
                if (code >= 400) {
                    failure = "HTTP GET answered " + code;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            failure = e.getMessage();
        }
        if (failure != null) {
            LOG.info("postStart hook of container {} of pod {}/{} failed, killing it: {}", container.name,
                    pod.metadata.namespace, pod.metadata.name, failure);
            runtime.stopContainer(id, Duration.ZERO);
            waiting.put(container.name, new Waiting("PostStartHookError", failure));
        }
    }

    private void preStop(Container container, Lifecycle.LifecycleHandler hook, ContainerStatus running, String podIp,
                         ContainerRuntime runtime, Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
            return;
        }
        try {
            if (hook.exec != null) {
                runtime.exec(running.id(), hook.exec.command, left);
            } else if (hook.httpGet != null) {
                Prober.httpGet(hook.httpGet, container, podIp, left);
            } else if (hook.sleep != null && hook.sleep.seconds != null) {
                Thread.sleep(Math.min(left.toMillis(), hook.sleep.seconds * 1000)); // the hook is a wait, by definition
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.info("preStop hook of container {} failed: {}", container.name, e.getMessage());
        }
    }

    /** Removes what a pod that no longer exists left on the node: everything at once, no grace. */
    void removeOrphan(String uid) {
        ObservedPod observed = relister.get(uid);
        if (observed == null) {
            return;
        }
        Optional<ContainerRuntime> runtime = runtimes.find(observed.runtime());
        if (runtime.isEmpty()) {
            return;
        }
        LOG.info("Removing containers of pod {} which no longer exists", uid);
        for (ContainerStatus container : observed.containers()) {
            runtime.get().stopContainer(container.id(), Duration.ZERO);
            runtime.get().removeContainer(container.id());
        }
        for (SandboxStatus sandbox : observed.sandboxes()) {
            runtime.get().stopPodSandbox(sandbox.id());
            runtime.get().removePodSandbox(sandbox.id());
        }
        forget(uid);
    }

    private void forget(String uid) {
        probes.forget(uid);
        volumes.remove(uid);
        addresses.release(uid);
        pullFailures.remove(uid);
    }

    private void report(Pod pod, PodStatus status) {
        if (Objects.equals(Json.tree(pod.status), Json.tree(status))) {
            return;
        }
        pod.status = status;
        try {
            api.updateStatus(ResourceKind.PODS, pod);
        } catch (ApiException e) {
            if (e.isConflict() || e.isNotFound()) {
                return; // the informer brings the newer pod, and with it another sync
            }
            throw e;
        }
    }

    /**
     * The sandbox of the pod: ports of its containers and of their probes published on the pod IP; a
     * pod of one container lets the runtime give that container the sandbox's network itself.
     */
    private SandboxConfig sandboxConfig(Pod pod, String ip, int attempt, String runtimeName) {
        Set<String> seen = new LinkedHashSet<>();
        List<PortMapping> ports = new ArrayList<>();
        for (Container container : pod.spec.containers) {
            if (container.ports != null) {
                for (ContainerPort port : container.ports) {
                    String protocol = port.protocol == null ? "TCP" : port.protocol;
                    if (port.containerPort != null && seen.add(protocol + port.containerPort)) {
                        ports.add(new PortMapping(protocol, port.containerPort, ip, port.containerPort));
                    }
                }
            }
            for (Probe probe : new Probe[] {container.livenessProbe, container.readinessProbe, container.startupProbe}) {
                Integer port = probePort(probe, container);
                if (port != null && seen.add("TCP" + port)) {
                    ports.add(new PortMapping("TCP", port, ip, port));
                }
            }
        }
        String hostname = pod.spec.hostname != null && !pod.spec.hostname.isEmpty() ? pod.spec.hostname : pod.metadata.name;
        boolean soleContainer = pod.spec.containers.size() == 1
                && (pod.spec.initContainers == null || pod.spec.initContainers.isEmpty());
        return new SandboxConfig(nodeName, pod.metadata.namespace, pod.metadata.name, pod.metadata.uid, attempt,
                runtimeName, hostname, ip, ports, soleContainer);
    }

    private static Integer probePort(Probe probe, Container container) {
        try {
            if (probe != null && probe.httpGet != null && (probe.httpGet.host == null || probe.httpGet.host.isEmpty())) {
                return Prober.port(probe.httpGet.port, container);
            }
            if (probe != null && probe.tcpSocket != null && (probe.tcpSocket.host == null || probe.tcpSocket.host.isEmpty())) {
                return Prober.port(probe.tcpSocket.port, container);
            }
        } catch (RuntimeException e) {
            // a probe without a usable port fails when it runs, and says so
        }
        return null;
    }

    private ContainerConfig containerConfig(Pod pod, Container container, int attempt, ContainerEnv envs, String podIp) {
        Map<String, String> env = envs.of(container);
        List<Mount> mounts = volumes.mounts(pod, container, podIp, hostIp, allocatable);
        Map<String, String> limits = container.resources == null || container.resources.limits == null
                ? Map.of() : container.resources.limits;
        SecurityContext security = container.securityContext;
        Long runAsUser = security != null && security.runAsUser != null ? security.runAsUser
                : pod.spec.securityContext == null ? null : pod.spec.securityContext.runAsUser;
        Long runAsGroup = security != null && security.runAsGroup != null ? security.runAsGroup
                : pod.spec.securityContext == null ? null : pod.spec.securityContext.runAsGroup;
        return new ContainerConfig(container.name, attempt, container.image, ContainerEnv.expand(container.command, env),
                ContainerEnv.expand(container.args, env), env, container.workingDir,
                limits.get("cpu") == null ? 0 : Quantity.milliValue(limits.get("cpu")),
                limits.get("memory") == null ? 0 : Quantity.value(limits.get("memory")),
                mounts, runAsUser, runAsGroup, security != null && Boolean.TRUE.equals(security.readOnlyRootFilesystem),
                Boolean.TRUE.equals(container.stdin), Boolean.TRUE.equals(container.stdinOnce),
                Boolean.TRUE.equals(container.tty));
    }

    private static long gracePeriod(Pod pod, Long deletion) {
        return deletion != null ? deletion : pod.spec.terminationGracePeriodSeconds != null
                ? pod.spec.terminationGracePeriodSeconds : 30;
    }

    private static Container container(Pod pod, String name) {
        List<Container> all = new ArrayList<>(pod.spec.containers);
        if (pod.spec.initContainers != null) {
            all.addAll(pod.spec.initContainers);
        }
        return all.stream().filter(c -> c.name.equals(name)).findFirst().orElse(null);
    }

    private static Duration min(Duration a, Duration b) {
        return a == null ? b : b == null ? a : a.compareTo(b) <= 0 ? a : b;
    }

    static String key(Pod pod) {
        return pod.metadata.namespace + "/" + pod.metadata.name;
    }

    /** An event about one container of the pod, as the kubelet's name it ({@code spec.containers{web}}). */
    private void event(Pod pod, String container, String type, String reason, String message) {
        boolean init = pod.spec.initContainers != null && pod.spec.initContainers.stream().anyMatch(c -> c.name.equals(container));
        events.event(pod, (init ? "spec.initContainers{" : "spec.containers{") + container + "}", type, reason, message);
    }

    /**
     * The runtime a pod runs in: where its containers were last observed; else where its status
     * says they run, so that a kubelet that restarted, or whose default runtime changed, finds its
     * pods where they are even before it has listed that runtime (and does not start them again in
     * another); else the runtime of its class, or the node's default.
     */
    private String runtimeOf(Pod pod, ObservedPod observed) {
        if (observed != null) {
            return observed.runtime();
        }
        String reported = PodStatuses.reportedRuntime(pod);
        return reported != null ? reported : runtimes.nameFor(pod);
    }

    /** A probe of one of the pod's containers failed: an Unhealthy warning, one per check, as the kubelet records. */
    void unhealthy(Pod pod, String container, String message) {
        event(pod, container, Event.WARNING, "Unhealthy", message);
    }

    /** Stops recording events. */
    void close() {
        events.close();
    }
}
