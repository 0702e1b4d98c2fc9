package io.gantry.kubelet;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How close the host is to running out of memory, disk or process IDs, read as the kubelet's
 * eviction manager reads it (memory.available, nodefs.available, pid.available) and compared
 * with Kubernetes' default hard eviction thresholds: less than 100Mi of memory, less than 10 % of
 * the kubelet's file system, or less than 10 % of the PIDs left. An amount that cannot be read
 * is taken as no pressure.
 */
record NodePressure(boolean memory, boolean disk, boolean pids) {

    static final long MEMORY_THRESHOLD_BYTES = 100L * 1024 * 1024;
    static final double DISK_THRESHOLD = 0.10;
    static final double PID_THRESHOLD = 0.10;

    static final NodePressure NONE = new NodePressure(false, false, false);

    /** The host's pressure now; {@code root} is the kubelet's folder (its file system is nodefs). */
    static NodePressure observe(Path root) {
        return of(memoryAvailableBytes(Path.of("/proc/meminfo")), diskAvailableFraction(root), pidsAvailableFraction());
    }

    /** Pressure from amounts; negative means unknown. */
    static NodePressure of(long memoryAvailableBytes, double diskAvailable, double pidsAvailable) {
        return new NodePressure(memoryAvailableBytes >= 0 && memoryAvailableBytes < MEMORY_THRESHOLD_BYTES,
                diskAvailable >= 0 && diskAvailable < DISK_THRESHOLD,
                pidsAvailable >= 0 && pidsAvailable < PID_THRESHOLD);
    }

    static long memoryAvailableBytes(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown
        }
        return -1;
    }

    private static double diskAvailableFraction(Path root) {
        try {
            Path existing = root;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                return -1;
            }
            var store = Files.getFileStore(existing);
            return store.getTotalSpace() == 0 ? -1 : (double) store.getUsableSpace() / store.getTotalSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    private static double pidsAvailableFraction() {
        try {
            long max = Long.parseLong(Files.readString(Path.of("/proc/sys/kernel/pid_max")).trim());
            long used = 0;
            try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path ignored : processes) {
                    used++;
                }
            }
            return max <= 0 ? -1 : (double) (max - used) / max;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
