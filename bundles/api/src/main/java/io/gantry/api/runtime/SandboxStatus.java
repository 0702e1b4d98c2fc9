package io.gantry.api.runtime;

import java.time.Instant;

/** A pod sandbox as the runtime sees it: ready while its network holds. */
public record SandboxStatus(String id, String podUid, String namespace, String podName, int attempt,
                            String runtimeHandler, boolean ready, String podIp, Instant createdAt) {
}
