package io.gantry.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU and memory limits through cgroups, where this process may write them: one group per
 * container under the runtime's own group {@value #GROUP}. On cgroups v2 that is one group with
 * both controllers; on cgroups v1 (or the hybrid layout, whose v2 part has no controllers) one
 * group in the memory hierarchy and one in the cpu hierarchy. Where neither may be written (a
 * read-only hierarchy, no delegation, not root), limits are skipped and the log says so once.
 */
final class CgroupLimits {

    private static final Logger LOG = LoggerFactory.getLogger(CgroupLimits.class);
    private static final String GROUP = "gantry-process";
    private static final long CPU_PERIOD_MICROS = 100_000;

    private enum Version { V1, V2, NONE }

    private final Version version;
    /** v2: the containers' parent group; v1: the mount point holding the memory and cpu hierarchies. */
    private final Path root;

    private CgroupLimits(Version version, Path root) {
        this.version = version;
        this.root = root;
    }

    /** Finds a writable cgroups hierarchy at {@code mountPoint} ({@code /sys/fs/cgroup}), or limits nothing. */
    static CgroupLimits detect(Path mountPoint) {
        String why;
        try {
            if (Files.exists(mountPoint.resolve("cgroup.controllers"))) {
                Path parent = mountPoint.resolve(GROUP);
                Files.createDirectories(parent);
                // the controllers must be enabled for the children, in the root and in our group
                Files.writeString(mountPoint.resolve("cgroup.subtree_control"), "+cpu +memory");
                Files.writeString(parent.resolve("cgroup.subtree_control"), "+cpu +memory");
                LOG.info("Process runtime: CPU and memory limits through cgroups v2 under {}", parent);
                return new CgroupLimits(Version.V2, parent);
            }
            if (Files.exists(mountPoint.resolve("memory/memory.limit_in_bytes"))
                    && Files.exists(mountPoint.resolve("cpu/cpu.cfs_quota_us"))) {
                Files.createDirectories(mountPoint.resolve("memory").resolve(GROUP));
                Files.createDirectories(mountPoint.resolve("cpu").resolve(GROUP));
                LOG.info("Process runtime: CPU and memory limits through cgroups v1 under {}/{{memory,cpu}}/{}",
                        mountPoint, GROUP);
                return new CgroupLimits(Version.V1, mountPoint);
            }
            why = "no cgroups hierarchy with the memory and cpu controllers at " + mountPoint;
        } catch (IOException | RuntimeException e) {
            why = "cgroups at " + mountPoint + " are not writable here (" + e.getMessage() + ")";
        }
        LOG.warn("Process runtime: {}; containers' CPU and memory limits are not enforced", why);
        return new CgroupLimits(Version.NONE, null);
    }

    boolean enforced() {
        return version != Version.NONE;
    }

    /**
     * Puts a started process in a group of its own with the limits (0 for none). The process runs
     * unlimited for the moment between its start and this call.
     */
    void apply(String containerId, long pid, long milliCpu, long memoryBytes) {
        if (version == Version.NONE || milliCpu <= 0 && memoryBytes <= 0) {
            return;
        }
        String quota = Long.toString(milliCpu * CPU_PERIOD_MICROS / 1000);
        String period = Long.toString(CPU_PERIOD_MICROS);
        try {
            if (version == Version.V2) {
                Path group = root.resolve(containerId);
                Files.createDirectories(group);
                if (memoryBytes > 0) {
                    Files.writeString(group.resolve("memory.max"), Long.toString(memoryBytes));
                    Path swap = group.resolve("memory.swap.max"); // as a container's limit: no swap beyond it
                    if (Files.exists(swap)) {
                        Files.writeString(swap, "0");
                    }
                }
                if (milliCpu > 0) {
                    Files.writeString(group.resolve("cpu.max"), quota + " " + period);
                }
                join(group, pid);
                return;
            }
            if (memoryBytes > 0) {
                Path group = Files.createDirectories(groupOf("memory", containerId));
                Files.writeString(group.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
                Path swap = group.resolve("memory.memsw.limit_in_bytes"); // there only with swap accounting
                if (Files.exists(swap)) {
                    Files.writeString(swap, Long.toString(memoryBytes));
                }
                join(group, pid);
            }
            if (milliCpu > 0) {
                Path group = Files.createDirectories(groupOf("cpu", containerId));
                Files.writeString(group.resolve("cpu.cfs_period_us"), period);
                Files.writeString(group.resolve("cpu.cfs_quota_us"), quota);
                join(group, pid);
            }
        } catch (IOException e) {
            LOG.warn("Process runtime: cannot limit container {}: {}", containerId, e.getMessage());
        }
    }

    /** The groups of a container, for tests and for removal: none where limits are not enforced. */
    List<Path> groups(String containerId) {
        List<Path> groups = new ArrayList<>();
        if (version == Version.V2) {
            groups.add(root.resolve(containerId));
        } else if (version == Version.V1) {
            groups.add(groupOf("memory", containerId));
            groups.add(groupOf("cpu", containerId));
        }
        return groups;
    }

    void remove(String containerId) {
        for (Path group : groups(containerId)) {
            try {
                Files.deleteIfExists(group); // a group's files go with it; it must hold no process
            } catch (IOException e) {
                LOG.debug("Cannot remove the cgroup {} of container {}: {}", group, containerId, e.getMessage());
            }
        }
    }

    private Path groupOf(String controller, String containerId) {
        return root.resolve(controller).resolve(GROUP).resolve(containerId);
    }

    private static void join(Path group, long pid) throws IOException {
        Files.writeString(group.resolve("cgroup.procs"), Long.toString(pid));
    }
}
