package io.gantry.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code memory}: the node's resident memory (VmRSS, and its peak VmHWM), read from /proc. */
final class NodeMemory {

    void run() throws IOException {
        for (String line : resident()) {
            System.out.println("memory: " + line);
        }
    }

    /** The VmHWM and VmRSS lines of the node's JVM ({@code -Dgantry.home}, .gantry/node-1 by default). */
    static List<String> resident() throws IOException {
        Path pidFile = Path.of(System.getProperty("gantry.home", ".gantry/node-1"), "karaf.pid");
        String pid = Files.readString(pidFile).strip();
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
            if (line.startsWith("VmRSS") || line.startsWith("VmHWM")) {
                lines.add(line.replaceAll("\\s+", " "));
            }
        }
        return lines;
    }
}
