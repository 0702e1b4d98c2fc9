package io.gantry.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code memory}: the node's resident memory (VmRSS, and its peak VmHWM), read from /proc. */
final class NodeMemory {

    void run() throws IOException {
        Path pidFile = Path.of(System.getProperty("gantry.home", ".gantry/node-1"), "karaf.pid");
        String pid = Files.readString(pidFile).strip();
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
            if (line.startsWith("VmRSS") || line.startsWith("VmHWM")) {
                System.out.println("memory: " + line.replaceAll("\\s+", " "));
            }
        }
    }
}
