package io.gantry.api.runtime;

import java.util.List;

/**
 * What a runtime holds for one node, read together: its sandboxes and its containers, as the
 * kubelet's relist needs them ({@link ContainerRuntime#list}). Since 2.5.
 */
public record RuntimeListing(List<SandboxStatus> sandboxes, List<ContainerStatus> containers) {
}
