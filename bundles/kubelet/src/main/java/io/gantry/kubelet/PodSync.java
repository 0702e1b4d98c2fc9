package io.gantry.kubelet;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ContainerPort;
import io.gantry.api.core.v1.EnvVar;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodStatus;
import io.gantry.api.core.v1.Quantity;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.runtime.ContainerConfig;
import io.gantry.api.runtime.ContainerRuntime;
import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.ImageUnavailableException;
import io.gantry.api.runtime.PortMapping;
import io.gantry.api.runtime.PullPolicy;
import io.gantry.api.runtime.RuntimeUnavailableException;
import io.gantry.api.runtime.SandboxConfig;
import io.gantry.api.runtime.SandboxStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one pod's containers in line with its spec, then reports what it sees as the pod's
 * status: the work of one turn of a kubelet pod worker. It is stateless between turns: the
 * runtime's labelled sandboxes and containers are the memory, so a restarted kubelet (or a
 * swapped runtime bundle) adopts what runs instead of starting it again.
 */
final class PodSync {

    private static final Logger LOG = LoggerFactory.getLogger(PodSync.class);

    /** How the kubelet finds runtime plugins; each call looks the plugin up anew. */
    interface Runtimes {
        /** The runtime named, or the node's default for null or empty; empty if not installed. */
        Optional<ContainerRuntime> find(String name);

        String describe(String name);
    }

    private final String nodeName;
    private final String hostIp;
    private final ApiClient api;
    private final Runtimes runtimes;
    private final PodAddresses addresses;

    PodSync(String nodeName, String hostIp, ApiClient api, Runtimes runtimes, PodAddresses addresses) {
        this.nodeName = nodeName;
        this.hostIp = hostIp;
        this.api = api;
        this.runtimes = runtimes;
        this.addresses = addresses;
    }

    /**
     * Syncs the pod with this key; {@code cached} is the pod as the informer has it, or null
     * once it is gone from the API.
     */
    void sync(String namespace, String name, Pod cached) {
        if (cached == null) {
            removeLeftovers(namespace, name, null);
            return;
        }
        Pod pod = Json.copy(cached);
        Optional<ContainerRuntime> found = runtimes.find(pod.spec.runtimeClassName);
        if (found.isEmpty()) {
            report(pod, PodStatuses.runtimeMissing(pod, runtimes.describe(pod.spec.runtimeClassName)));
            return;
        }
        ContainerRuntime runtime = found.get();
        try {
            if (pod.metadata.deletionTimestamp != null) {
                terminate(runtime, pod);
                return;
            }
            List<SandboxStatus> sandboxes = runtime.listPodSandboxes(Map.of(Labels.POD_UID, pod.metadata.uid));
            List<ContainerStatus> containers = runtime.listContainers(Map.of(Labels.POD_UID, pod.metadata.uid));
            if (PodStatuses.isFinished(pod, containers)) {
                report(pod, PodStatuses.observed(pod, hostIp, addresses.addressOf(pod.metadata.uid), containers, Map.of()));
                return;
            }
            SandboxStatus sandbox = readySandbox(runtime, pod, sandboxes);
            Map<String, String> waiting = new HashMap<>();
            for (Container container : pod.spec.containers) {
                String reason = ensureContainer(runtime, pod, sandbox, container, containers);
                if (reason != null) {
                    waiting.put(container.name, reason);
                }
            }
            containers = runtime.listContainers(Map.of(Labels.POD_UID, pod.metadata.uid));
            report(pod, PodStatuses.observed(pod, hostIp, sandbox.podIp(), containers, waiting));
        } catch (RuntimeUnavailableException e) {
            report(pod, PodStatuses.runtimeMissing(pod, e.getMessage()));
        }
    }

    /** Returns a ready sandbox for the pod, replacing one whose network is gone. */
    private SandboxStatus readySandbox(ContainerRuntime runtime, Pod pod, List<SandboxStatus> sandboxes) {
        for (SandboxStatus sandbox : sandboxes) {
            addresses.adopt(pod.metadata.uid, sandbox.podIp());
        }
        Optional<SandboxStatus> ready = sandboxes.stream().filter(SandboxStatus::ready).findFirst();
        if (ready.isPresent()) {
            return ready.get();
        }
        if (!sandboxes.isEmpty()) {
            // The pod's network died: as Kubernetes does, start the whole pod again in a new one.
            LOG.info("Sandbox of pod {}/{} is not ready; creating a new one", pod.metadata.namespace, pod.metadata.name);
            killContainers(runtime, Map.of(Labels.POD_UID, pod.metadata.uid), 0);
        }
        String ip = addresses.allocate(pod.metadata.uid);
        SandboxConfig config = sandboxConfig(pod, ip);
        String id = runtime.runPodSandbox(config);
        LOG.info("Started sandbox of pod {}/{} with IP {}", pod.metadata.namespace, pod.metadata.name, ip);
        return new SandboxStatus(id, true, ip, Instant.now(), config.labels());
    }

    /** Starts the container if it never ran or should run again; returns a waiting reason, or null. */
    private String ensureContainer(ContainerRuntime runtime, Pod pod, SandboxStatus sandbox, Container container,
                                   List<ContainerStatus> all) {
        List<ContainerStatus> attempts = PodStatuses.attempts(container.name, all);
        ContainerStatus latest = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
        int attempt = 0;
        if (latest != null) {
            if (latest.state() == ContainerStatus.State.RUNNING) {
                return null;
            }
            if (latest.state() == ContainerStatus.State.EXITED || latest.state() == ContainerStatus.State.CREATED) {
                if (!PodStatuses.shouldRestart(pod, latest)) {
                    return null;
                }
                int restarts = PodStatuses.attemptOf(latest) + 1;
                Duration backoff = PodStatuses.backoff(restarts - 1);
                Instant finished = latest.finishedAt() == null ? Instant.EPOCH : latest.finishedAt();
                if (Instant.now().isBefore(finished.plus(backoff))) {
                    return PodStatuses.CRASH_LOOP_BACK_OFF + ":back-off " + backoff.toSeconds() + "s restarting failed container="
                            + container.name + " pod=" + pod.metadata.name + "_" + pod.metadata.namespace + "(" + pod.metadata.uid + ")";
                }
                attempt = restarts;
                // keep the latest dead attempt for lastState; remove the ones before it
                for (int i = 0; i < attempts.size() - 1; i++) {
                    runtime.removeContainer(attempts.get(i).id());
                }
            }
        }
        try {
            runtime.ensureImage(container.image, PullPolicy.of(container.imagePullPolicy, container.image));
        } catch (ImageUnavailableException e) {
            return "ErrImagePull:" + e.getMessage();
        }
        try {
            String id = runtime.createContainer(sandbox.id(), containerConfig(pod, container, attempt), sandboxConfig(pod, sandbox.podIp()));
            runtime.startContainer(id);
            LOG.info("Started container {} of pod {}/{} (attempt {})", container.name, pod.metadata.namespace,
                    pod.metadata.name, attempt);
            return null;
        } catch (RuntimeUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("Cannot start container {} of pod {}/{}: {}", container.name, pod.metadata.namespace,
                    pod.metadata.name, e.getMessage());
            return "RunContainerError:" + e.getMessage();
        }
    }

    /** Stops everything of a pod marked for deletion, then deletes it for good. */
    private void terminate(ContainerRuntime runtime, Pod pod) {
        long grace = pod.metadata.deletionGracePeriodSeconds != null ? pod.metadata.deletionGracePeriodSeconds
                : pod.spec.terminationGracePeriodSeconds != null ? pod.spec.terminationGracePeriodSeconds : 30;
        killPod(runtime, Map.of(Labels.POD_UID, pod.metadata.uid), grace);
        addresses.release(pod.metadata.uid);
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

    /** Removes what earlier pods of this name left on the node (all of it when {@code keepUid} is null). */
    private void removeLeftovers(String namespace, String name, String keepUid) {
        Map<String, String> labels = Map.of(Labels.NODE, nodeName, Labels.POD_NAMESPACE, namespace, Labels.POD_NAME, name);
        Optional<ContainerRuntime> runtime = runtimes.find(null);
        if (runtime.isEmpty()) {
            return;
        }
        try {
            List<String> stale = new ArrayList<>();
            for (SandboxStatus sandbox : runtime.get().listPodSandboxes(labels)) {
                String uid = sandbox.labels().get(Labels.POD_UID);
                if (!Objects.equals(uid, keepUid) && !stale.contains(uid)) {
                    stale.add(uid);
                }
            }
            for (ContainerStatus container : runtime.get().listContainers(labels)) {
                String uid = container.labels().get(Labels.POD_UID);
                if (!Objects.equals(uid, keepUid) && !stale.contains(uid)) {
                    stale.add(uid);
                }
            }
            for (String uid : stale) {
                LOG.info("Removing containers of deleted pod {}/{} ({})", namespace, name, uid);
                killPod(runtime.get(), Map.of(Labels.POD_UID, uid), 0);
                addresses.release(uid);
            }
        } catch (RuntimeUnavailableException e) {
            LOG.debug("Cannot clean up pod {}/{}: {}", namespace, name, e.getMessage());
        }
    }

    /** Stops and removes every container and sandbox with these labels. */
    static void killPod(ContainerRuntime runtime, Map<String, String> labels, long graceSeconds) {
        killContainers(runtime, labels, graceSeconds);
        for (SandboxStatus sandbox : runtime.listPodSandboxes(labels)) {
            runtime.stopPodSandbox(sandbox.id());
            runtime.removePodSandbox(sandbox.id());
        }
    }

    private static void killContainers(ContainerRuntime runtime, Map<String, String> labels, long graceSeconds) {
        for (ContainerStatus container : runtime.listContainers(labels)) {
            if (container.state() == ContainerStatus.State.RUNNING) {
                runtime.stopContainer(container.id(), graceSeconds);
            }
            runtime.removeContainer(container.id());
        }
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

    private SandboxConfig sandboxConfig(Pod pod, String ip) {
        List<PortMapping> ports = new ArrayList<>();
        for (Container container : pod.spec.containers) {
            if (container.ports == null) {
                continue;
            }
            for (ContainerPort port : container.ports) {
                String protocol = port.protocol == null ? "TCP" : port.protocol;
                ports.add(new PortMapping(protocol, port.containerPort, ip, port.containerPort));
            }
        }
        Map<String, String> labels = podLabels(pod);
        labels.put(Labels.POD_IP, ip);
        String hostname = pod.spec.hostname != null && !pod.spec.hostname.isEmpty() ? pod.spec.hostname : pod.metadata.name;
        return new SandboxConfig(pod.metadata.namespace, pod.metadata.name, pod.metadata.uid, hostname, ip, ports, labels);
    }

    private ContainerConfig containerConfig(Pod pod, Container container, int attempt) {
        Map<String, String> env = new LinkedHashMap<>();
        if (container.env != null) {
            for (EnvVar var : container.env) {
                env.put(var.name, var.value == null ? "" : var.value);
            }
        }
        Map<String, String> labels = podLabels(pod);
        labels.put(Labels.CONTAINER_NAME, container.name);
        labels.put(Labels.CONTAINER_ATTEMPT, String.valueOf(attempt));
        Map<String, String> limits = container.resources == null || container.resources.limits == null
                ? Map.of() : container.resources.limits;
        return new ContainerConfig(container.name, container.image, container.command, container.args, env,
                container.workingDir,
                limits.get("cpu") == null ? 0 : Quantity.milliValue(limits.get("cpu")),
                limits.get("memory") == null ? 0 : Quantity.value(limits.get("memory")),
                labels);
    }

    private Map<String, String> podLabels(Pod pod) {
        Map<String, String> labels = new HashMap<>();
        labels.put(Labels.NODE, nodeName);
        labels.put(Labels.POD_NAMESPACE, pod.metadata.namespace);
        labels.put(Labels.POD_NAME, pod.metadata.name);
        labels.put(Labels.POD_UID, pod.metadata.uid);
        return labels;
    }

}
