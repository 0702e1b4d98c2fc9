package io.gantry.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Host commands that bundles run to their end: nft, nsenter. */
public final class Commands {

    private Commands() {
    }

    /**
     * Runs the command with this on its standard input, and waits until it ends, at most until the
     * deadline. Its output goes to a file: read from a pipe, a command that kept its output open
     * held the caller past any deadline.
     *
     * @return what it wrote, standard output and error together
     * @throws IOException when it cannot start, outlives the deadline or fails, with what it wrote
     */
    public static String run(List<String> command, String input, Duration deadline) throws IOException {
        Path output = Files.createTempFile("gantry-command", ".out");
        Process process = null;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
            boolean ended = process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
            String out = Files.readString(output);
            if (!ended || process.exitValue() != 0) {
                throw new IOException(command.get(0) + (ended ? " failed" : " did not end within " + deadline.toMillis() + " ms")
                        + (out.isBlank() ? "" : ": " + out.trim()));
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(output);
        }
    }
}
