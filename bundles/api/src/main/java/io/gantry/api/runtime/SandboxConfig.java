package io.gantry.api.runtime;

import java.util.List;
import java.util.Map;

/**
 * What a pod sandbox needs: who the pod is, its IP, the ports to publish on that IP, and the
 * labels to find it by.
 */
public record SandboxConfig(String namespace, String podName, String podUid, String hostname, String podIp,
                            List<PortMapping> ports, Map<String, String> labels) {
}
