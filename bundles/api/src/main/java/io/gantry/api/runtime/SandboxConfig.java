package io.gantry.api.runtime;

import java.util.List;

/**
 * What a pod sandbox needs: whose it is, which runtime handler made it, its IP and the ports to
 * publish on that IP.
 *
 * @param runtimeHandler the name under which the kubelet chose this runtime; recorded on the
 *                       sandbox so that the pod stays with it
 * @param attempt        0 for a pod's first sandbox, one more for each that replaces it
 */
public record SandboxConfig(String nodeName, String namespace, String podName, String podUid, int attempt,
                            String runtimeHandler, String hostname, String podIp, List<PortMapping> ports) {
}
