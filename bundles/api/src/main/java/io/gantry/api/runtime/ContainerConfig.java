package io.gantry.api.runtime;

import java.util.List;
import java.util.Map;

/**
 * One container to create: image, entrypoint ({@code command}, null for the image's) and
 * arguments ({@code args}, null for the image's), environment in order, limits, mounts and the
 * user to run as.
 *
 * @param attempt          0 for the first run of this container in the pod, one more per restart
 * @param milliCpuLimit    CPU limit in millicores, 0 for none
 * @param memoryLimitBytes memory limit in bytes, 0 for none
 * @param runAsUser        the user id to run as; null for the image's
 * @param runAsGroup       the group id to run as; null for the image's
 */
public record ContainerConfig(String name, int attempt, String image, List<String> command, List<String> args,
                              Map<String, String> env, String workingDir, long milliCpuLimit,
                              long memoryLimitBytes, List<Mount> mounts, Long runAsUser, Long runAsGroup,
                              boolean readOnlyRootFilesystem) {
}
