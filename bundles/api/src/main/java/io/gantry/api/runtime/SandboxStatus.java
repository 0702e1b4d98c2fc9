package io.gantry.api.runtime;

import java.time.Instant;
import java.util.Map;

/** A pod sandbox as the runtime sees it: ready while its network holds. */
public record SandboxStatus(String id, boolean ready, String podIp, Instant createdAt, Map<String, String> labels) {
}
