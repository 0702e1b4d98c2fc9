package io.gantry.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The peer of the pod benchmarks: the same image run by hand with the Docker CLI, as an operator
 * without an orchestrator would ({@code docker run -d}), on the engine the node uses. Its
 * containers carry the label {@code gantry-bench=RUN} and are removed with {@code docker rm -f}.
 */
final class RawDocker {

    static final String IMAGE = "gantry/httpd:1.0";

    private final String run;

    RawDocker(String run) {
        this.run = run;
    }

    /** {@code docker run -d} of the image; returns once the CLI does, the container started. */
    String start(String name) throws IOException, InterruptedException {
        return docker("run", "-d", "--name", "gantry-bench-" + run + "-" + name, "--label", "gantry-bench=" + run, IMAGE)
                .strip();
    }

    /** Removes every container of this run, running or not. */
    void removeAll() throws IOException, InterruptedException {
        List<String> ids = docker("ps", "-aq", "--filter", "label=gantry-bench=" + run).lines()
                .filter(l -> !l.isBlank()).toList();
        if (!ids.isEmpty()) {
            List<String> command = new ArrayList<>(List.of("rm", "-f"));
            command.addAll(ids);
            docker(command.toArray(String[]::new));
        }
    }

    private static String docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
