package io.gantry.api.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * What runs containers on a node, after the Kubernetes CRI: a pod gets a sandbox that holds its
 * network (its pod IP and published ports), and its containers join that sandbox.
 *
 * <p>The runtime owns how it names and labels what it creates: callers pass typed configs and
 * read typed statuses ({@link SandboxStatus#podUid()}, {@link ContainerStatus#attempt()}, ...),
 * never label keys. Everything it reports is what the engine holds, so a restarted kubelet (or
 * an updated runtime bundle) finds running pods again. Each sandbox records the
 * {@link SandboxConfig#runtimeHandler() runtime} that created it, so a pod keeps its runtime when
 * the node's default changes. Implementations register with the {@code gantry.plugin} service
 * property; a pod picks one by {@code spec.runtimeClassName}, else the node's default is used.
 */
public interface ContainerRuntime {

    /**
     * The runtime's name and version as {@code kubectl get nodes -o wide} shows them
     * ({@code docker://24.0.5}).
     *
     * @throws RuntimeUnavailableException if the engine cannot be reached
     */
    String version();

    /**
     * Creates and starts a pod's sandbox; returns its id. The start may go on after the return
     * (containers can be created meanwhile); {@link #startContainer} of a container in it waits
     * for it, and reports its failure.
     */
    String runPodSandbox(SandboxConfig config);

    /** Stops a sandbox. Stopping a stopped or absent sandbox is no error. */
    void stopPodSandbox(String sandboxId);

    /**
     * Removes a stopped sandbox, and what belongs to it alone (its memory-backed volumes).
     * Removing an absent sandbox is no error.
     */
    void removePodSandbox(String sandboxId);

    /** The sandboxes this runtime created for the named node, ready or not. */
    List<SandboxStatus> listPodSandboxes(String nodeName);

    /**
     * Makes the image present on the node, pulling it if the policy says so.
     *
     * @throws ImageUnavailableException if it is absent and cannot be pulled
     */
    void ensureImage(String image, PullPolicy policy);

    /**
     * Creates a container in a sandbox, not started; returns its id. The sandbox may still be
     * starting: {@link #startContainer} waits for it.
     *
     * @throws ImageUnavailableException if the image is not on the node (nothing is pulled here)
     */
    String createContainer(String sandboxId, ContainerConfig config, SandboxConfig sandbox);

    void startContainer(String containerId);

    /**
     * Stops a container: SIGTERM, then SIGKILL after the grace period. Stopping a stopped or
     * absent container is no error.
     */
    void stopContainer(String containerId, Duration gracePeriod);

    /** Removes a container. Removing an absent container is no error. */
    void removeContainer(String containerId);

    /**
     * The containers of the named node's pods, running or not. Cheap enough to call every
     * second: an implementation reads details only of containers that changed since its last list.
     */
    List<ContainerStatus> listContainers(String nodeName);

    /**
     * The node's sandboxes and containers together, as {@link #listPodSandboxes} and
     * {@link #listContainers} report them: what the kubelet's relist reads. A runtime that reads
     * both from one engine call overrides this. Since 2.5.
     */
    default RuntimeListing list(String nodeName) {
        return new RuntimeListing(listPodSandboxes(nodeName), listContainers(nodeName));
    }

    /**
     * One container, as {@link #listContainers} would report it, or null if it does not exist:
     * what the kubelet reads right after starting a container instead of listing them all.
     */
    ContainerStatus containerStatus(String containerId);

    /**
     * Runs a command in a running container (exec probes, preStop hooks) and waits for it, at
     * most the timeout.
     */
    ExecResult exec(String containerId, List<String> command, Duration timeout);

    /**
     * Runs a command in a running container with its standard streams attached, as
     * {@code kubectl exec} does, and waits until it ends or the thread is interrupted; returns its
     * exit code. A runtime that cannot attach streams throws {@link UnsupportedOperationException}.
     * Since 2.1.
     *
     * @throws IOException when the streams fail
     */
    default int exec(String containerId, List<String> command, ExecStreams streams) throws IOException {
        throw new UnsupportedOperationException("this container runtime cannot attach to a command's streams");
    }

    /**
     * Attaches the streams to a running container's main process, as {@code kubectl attach} does:
     * its standard output and error from now on, and its standard input when it was created with
     * {@link ContainerConfig#stdin()} (else {@code streams.stdin()} is not read). Whether the output
     * comes from a terminal is the container's own {@link ContainerConfig#tty()}; with one,
     * everything goes to stdout. Returns the container's exit code once it exits (-1 when unknown).
     * The thread's interrupt or a failing stream detaches early, leaving the container running (its
     * input closed when it was created with {@link ContainerConfig#stdinOnce()}). A runtime that
     * cannot attach throws {@link UnsupportedOperationException}. Since 2.2.
     *
     * @throws IOException when the streams fail, or the thread was interrupted while waiting on them
     */
    default int attach(String containerId, ExecStreams streams) throws IOException {
        throw new UnsupportedOperationException("this container runtime cannot attach to a container's main process");
    }

    /**
     * Writes a container's log (its standard output and error, interleaved as written) to the
     * stream; when {@link LogOptions#follow() following}, goes on until the container stops, the
     * thread is interrupted, or a write fails because the reader went away. A runtime that keeps no
     * logs throws {@link UnsupportedOperationException}. Since 2.1.
     *
     * @throws IOException when writing to {@code out} fails
     */
    default void logs(String containerId, LogOptions options, OutputStream out) throws IOException {
        throw new UnsupportedOperationException("this container runtime keeps no logs");
    }

    /**
     * Connects to a TCP port of the pod's network namespace, on its loopback address, as the CRI's
     * port-forward does: how {@code kubectl port-forward} reaches a port the pod's sandbox does not
     * publish on the pod IP. A runtime whose pods have no namespace of their own (every port is on
     * the pod IP already) throws {@link UnsupportedOperationException}. Since 2.4.
     *
     * @throws IOException when the connection cannot be started
     */
    default PortConnection connect(String sandboxId, int port) throws IOException {
        throw new UnsupportedOperationException("this container runtime reaches pods' ports only on their IPs");
    }

    /**
     * Reports changes as they happen: the uid of each pod of the named node whose sandbox or
     * containers changed state. Close the result to stop. A runtime without events returns a
     * subscription that reports nothing; the kubelet's relist then notices changes.
     */
    AutoCloseable watch(String nodeName, Consumer<String> changedPodUid);
}
