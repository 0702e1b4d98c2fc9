package io.gantry.api.runtime;

import java.util.List;

/**
 * What a pod sandbox needs: whose it is, which runtime handler made it, its IP and the ports to
 * publish on that IP.
 *
 * @param runtimeHandler the name under which the kubelet chose this runtime; recorded on the
 *                       sandbox so that the pod stays with it
 * @param attempt        0 for a pod's first sandbox, one more for each that replaces it
 * @param soleContainer  whether the pod runs one container and nothing else (no init containers):
 *                       a runtime may then let that container hold the pod's network itself, one
 *                       container start instead of two. The sandbox is reported as before, and
 *                       stays ready while the container restarts. Since 2.5.
 */
public record SandboxConfig(String nodeName, String namespace, String podName, String podUid, int attempt,
                            String runtimeHandler, String hostname, String podIp, List<PortMapping> ports,
                            boolean soleContainer) {

    /** A sandbox that its pod's containers join, as before 2.5. */
    public SandboxConfig(String nodeName, String namespace, String podName, String podUid, int attempt,
                         String runtimeHandler, String hostname, String podIp, List<PortMapping> ports) {
        this(nodeName, namespace, podName, podUid, attempt, runtimeHandler, hostname, podIp, ports, false);
    }
}
