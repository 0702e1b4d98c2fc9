package io.gantry.api.runtime;

import java.util.List;
import java.util.Map;

/**
 * What runs containers on a node, after the Kubernetes CRI: a pod gets a sandbox that holds its
 * network (its pod IP and published ports), and its containers join that sandbox.
 *
 * <p>The kubelet names what it creates by labels ({@code io.gantry.*}) and finds it again by
 * them, so a runtime keeps no state of its own beyond what the engine holds. Implementations
 * register with the {@code gantry.plugin} service property; a pod picks one by
 * {@code spec.runtimeClassName}, else the node's default is used.
 */
public interface ContainerRuntime {

    /**
     * The runtime's name and version as {@code kubectl get nodes -o wide} shows them
     * ({@code docker://24.0.5}).
     *
     * @throws RuntimeUnavailableException if the engine cannot be reached
     */
    String version();

    /** Creates and starts a pod's sandbox; returns its id. */
    String runPodSandbox(SandboxConfig config);

    /** Stops a sandbox and every container in it. Stopping a stopped or absent sandbox is no error. */
    void stopPodSandbox(String sandboxId);

    /** Removes a stopped sandbox. Removing an absent sandbox is no error. */
    void removePodSandbox(String sandboxId);

    /** The sandboxes whose labels include every given label. */
    List<SandboxStatus> listPodSandboxes(Map<String, String> labels);

    /**
     * Makes the image present on the node, pulling it if the policy says so.
     *
     * @throws ImageUnavailableException if it is absent and cannot be pulled
     */
    void ensureImage(String image, PullPolicy policy);

    /** Creates a container in a sandbox, not started; returns its id. */
    String createContainer(String sandboxId, ContainerConfig config, SandboxConfig sandbox);

    void startContainer(String containerId);

    /** Stops a container, killing it after the timeout. Stopping a stopped or absent container is no error. */
    void stopContainer(String containerId, long timeoutSeconds);

    /** Removes a container. Removing an absent container is no error. */
    void removeContainer(String containerId);

    /** The containers, running or not, whose labels include every given label. */
    List<ContainerStatus> listContainers(Map<String, String> labels);
}
