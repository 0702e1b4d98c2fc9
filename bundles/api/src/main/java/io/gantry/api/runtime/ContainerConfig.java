package io.gantry.api.runtime;

import java.util.List;
import java.util.Map;

/**
 * One container to create: image, entrypoint ({@code command}, null for the image's) and
 * arguments ({@code args}, null for the image's), environment in order, limits and labels.
 *
 * @param milliCpuLimit CPU limit in millicores, 0 for none
 * @param memoryLimitBytes memory limit in bytes, 0 for none
 */
public record ContainerConfig(String name, String image, List<String> command, List<String> args,
                              Map<String, String> env, String workingDir, long milliCpuLimit,
                              long memoryLimitBytes, Map<String, String> labels) {
}
