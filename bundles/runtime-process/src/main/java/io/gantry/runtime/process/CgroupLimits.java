package io.gantry.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU and memory limits through cgroups v2, where this process may write them: one child group
 * per container under the runtime's own group. Where it may not (cgroups v1, a read-only
 * hierarchy, no delegation), limits are skipped and the log says so once.
 */
final class CgroupLimits {

    private static final Logger LOG = LoggerFactory.getLogger(CgroupLimits.class);
    private static final long CPU_PERIOD_MICROS = 100_000;

    /** The parent of the containers' groups, or null when limits cannot be set. */
    private final Path parent;

    private CgroupLimits(Path parent) {
        this.parent = parent;
    }

    /** Finds a writable cgroups v2 hierarchy at {@code mountPoint} ({@code /sys/fs/cgroup}), or limits nothing. */
    static CgroupLimits detect(Path mountPoint) {
        String why;
        try {
            if (!Files.exists(mountPoint.resolve("cgroup.controllers"))) {
                why = "no cgroups v2 hierarchy at " + mountPoint;
            } else {
                Path parent = mountPoint.resolve("gantry-process");
                Files.createDirectories(parent);
                // the controllers must be enabled for the children, in the root and in our group
                Files.writeString(mountPoint.resolve("cgroup.subtree_control"), "+cpu +memory");
                Files.writeString(parent.resolve("cgroup.subtree_control"), "+cpu +memory");
                LOG.info("Process runtime: CPU and memory limits through cgroups v2 under {}", parent);
                return new CgroupLimits(parent);
            }
        } catch (IOException | RuntimeException e) {
            why = "cgroups v2 at " + mountPoint + " is not writable here (" + e.getMessage() + ")";
        }
        LOG.warn("Process runtime: {}; containers' CPU and memory limits are not enforced", why);
        return new CgroupLimits(null);
    }

    boolean enforced() {
        return parent != null;
    }

    /**
     * Puts a started process in a group of its own with the limits (0 for none). The process runs
     * unlimited for the moment between its start and this call.
     */
    void apply(String containerId, long pid, long milliCpu, long memoryBytes) {
        if (parent == null || milliCpu <= 0 && memoryBytes <= 0) {
            return;
        }
        Path group = parent.resolve(containerId);
        try {
            Files.createDirectories(group);
            if (memoryBytes > 0) {
                Files.writeString(group.resolve("memory.max"), Long.toString(memoryBytes));
            }
            if (milliCpu > 0) {
                Files.writeString(group.resolve("cpu.max"), milliCpu * CPU_PERIOD_MICROS / 1000 + " " + CPU_PERIOD_MICROS);
            }
            Files.writeString(group.resolve("cgroup.procs"), Long.toString(pid));
        } catch (IOException e) {
            LOG.warn("Process runtime: cannot limit container {}: {}", containerId, e.getMessage());
        }
    }

    void remove(String containerId) {
        if (parent != null) {
            try {
                Files.deleteIfExists(parent.resolve(containerId));
            } catch (IOException e) {
                LOG.debug("Cannot remove the cgroup of container {}: {}", containerId, e.getMessage());
            }
        }
    }
}
