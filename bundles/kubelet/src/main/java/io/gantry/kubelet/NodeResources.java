package io.gantry.kubelet;

import io.gantry.api.core.v1.Quantity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the node offers pods, from configuration: capacity (cpu, memory, pods; the host's when
 * not configured) and allocatable, which is capacity less what is reserved for the system.
 */
record NodeResources(Map<String, String> capacity, Map<String, String> allocatable) {

    static NodeResources of(String cpu, String memory, int maxPods, String reservedCpu, String reservedMemory) {
        long milliCpu = cpu == null || cpu.isBlank() ? Runtime.getRuntime().availableProcessors() * 1000L
                : Quantity.milliValue(cpu.trim());
        long memoryBytes = memory == null || memory.isBlank() ? hostMemoryBytes() : Quantity.value(memory.trim());
        long reservedMilliCpu = reservedCpu == null || reservedCpu.isBlank() ? 0 : Quantity.milliValue(reservedCpu.trim());
        long reservedBytes = reservedMemory == null || reservedMemory.isBlank() ? 0 : Quantity.value(reservedMemory.trim());
        Map<String, String> capacity = new LinkedHashMap<>();
        capacity.put("cpu", cpu(milliCpu));
        capacity.put("memory", memoryBytes / 1024 + "Ki");
        capacity.put("pods", String.valueOf(maxPods));
        Map<String, String> allocatable = new LinkedHashMap<>();
        allocatable.put("cpu", cpu(Math.max(0, milliCpu - reservedMilliCpu)));
        allocatable.put("memory", Math.max(0, memoryBytes - reservedBytes) / 1024 + "Ki");
        allocatable.put("pods", String.valueOf(maxPods));
        return new NodeResources(Map.copyOf(capacity), Map.copyOf(allocatable));
    }

    /** Whole cores as a number, else millicores ({@code 2}, {@code 1900m}), as Kubernetes writes them. */
    private static String cpu(long milli) {
        return milli % 1000 == 0 ? String.valueOf(milli / 1000) : milli + "m";
    }

    private static long hostMemoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or unreadable: fall back to what the JVM may use
        }
        return Runtime.getRuntime().maxMemory();
    }
}
