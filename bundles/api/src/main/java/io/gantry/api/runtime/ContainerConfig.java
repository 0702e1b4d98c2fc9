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
 * @param stdin            whether the main process gets a standard input, written by an attached client
 *                         ({@link ContainerRuntime#attach}); without it the process reads end of input. Since 2.2.
 * @param stdinOnce        with stdin: the input ends when the first attached client leaves. Since 2.2.
 * @param tty              whether the main process runs on a terminal. Since 2.2.
 */
public record ContainerConfig(String name, int attempt, String image, List<String> command, List<String> args,
                              Map<String, String> env, String workingDir, long milliCpuLimit,
                              long memoryLimitBytes, List<Mount> mounts, Long runAsUser, Long runAsGroup,
                              boolean readOnlyRootFilesystem, boolean stdin, boolean stdinOnce, boolean tty) {

    /** A container without standard input and terminal, as before 2.2. */
    public ContainerConfig(String name, int attempt, String image, List<String> command, List<String> args,
                           Map<String, String> env, String workingDir, long milliCpuLimit, long memoryLimitBytes,
                           List<Mount> mounts, Long runAsUser, Long runAsGroup, boolean readOnlyRootFilesystem) {
        this(name, attempt, image, command, args, env, workingDir, milliCpuLimit, memoryLimitBytes, mounts, runAsUser,
                runAsGroup, readOnlyRootFilesystem, false, false, false);
    }
}
