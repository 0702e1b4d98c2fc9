package io.gantry.runtime.process;

import java.util.List;
import java.util.Map;

/**
 * A container of the process runtime as its state file holds it: what to run and what became of
 * it. A new runtime instance reads these files to find its containers again.
 *
 * @param pid        the process, once started; 0 before
 * @param startTicks the process's start time ({@link ProcessIdentity}), which tells it from a later
 *                   process of the same pid
 * @param exitCode   meaningful once {@code finishedAt} is set
 * @param createdAt  epoch milliseconds, as are {@code startedAt} and {@code finishedAt} (null until then)
 */
record ContainerRecord(String id, String sandboxId, String podUid, String name, int attempt, String image,
                       List<String> argv, Map<String, String> env, String workingDir, long milliCpuLimit,
                       long memoryLimitBytes, Long createdAt, Long startedAt, Long finishedAt, long pid,
                       long startTicks, int exitCode, String reason) {

    ContainerRecord started(long pid, long startTicks, long at) {
        return new ContainerRecord(id, sandboxId, podUid, name, attempt, image, argv, env, workingDir, milliCpuLimit,
                memoryLimitBytes, createdAt, at, null, pid, startTicks, 0, null);
    }

    ContainerRecord exited(int code, String why, long at) {
        return new ContainerRecord(id, sandboxId, podUid, name, attempt, image, argv, env, workingDir, milliCpuLimit,
                memoryLimitBytes, createdAt, startedAt, at, pid, startTicks, code, why);
    }

    ProcessIdentity process() {
        return new ProcessIdentity(pid, startTicks);
    }
}
