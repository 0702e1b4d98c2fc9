package io.gantry.apiserver.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One real kubectl binary of a given minor version (the {@code kubectl.1.NN} files beside the
 * one {@code kubectl} on the PATH links to), with its own kubeconfig and discovery cache.
 */
final class Kubectl {

    /** What one command printed, and its exit code. */
    record Result(int code, String out, String err) {

        /** stdout and stderr, for assertion messages. */
        String both() {
            return "exit " + code + "\nstdout:\n" + out + "stderr:\n" + err;
        }
    }

    private final String binary;
    private final Path kubeconfig;
    private final Path work;

    Kubectl(String version, Path kubeconfig, Path work) throws IOException {
        this.binary = binary(version).toString();
        this.kubeconfig = kubeconfig;
        this.work = Files.createDirectories(work);
    }

    /** The binary of kubectl 1.NN, found beside the {@code kubectl} on the PATH. */
    static Path binary(String version) {
        for (String dir : System.getenv("PATH").split(":")) {
            Path kubectl = Path.of(dir, "kubectl");
            if (Files.isExecutable(kubectl)) {
                try {
                    Path versioned = kubectl.toRealPath().resolveSibling("kubectl." + version);
                    if (Files.isExecutable(versioned)) {
                        return versioned;
                    }
                } catch (IOException e) {
                    // a dangling link: try the next PATH entry
                }
            }
        }
        throw new IllegalStateException("kubectl." + version + " is not installed beside kubectl on the PATH");
    }

    /** The command line of {@code kubectl ARGS} against the test server, with this binary's own cache. */
    List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(binary, "--kubeconfig", kubeconfig.toString(),
                "--cache-dir", work.resolve("cache").toString()));
        command.addAll(List.of(args));
        return command;
    }

    Result run(String... args) throws IOException, InterruptedException {
        return stdin(null, args);
    }

    /** Runs {@code kubectl ARGS} with STDIN (or none) and waits at most 60 s for it. */
    Result stdin(String stdin, String... args) throws IOException, InterruptedException {
        return run(stdin, Map.of(), args);
    }

    /** Runs {@code kubectl ARGS} with STDIN (or none) and more environment, and waits at most 60 s for it. */
    Result run(String stdin, Map<String, String> environment, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command(args)).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
