package io.gantry.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Host commands that bundles run to their end: nft, nsenter. */
public final class Commands {

    private Commands() {
    }

    /**
     * Runs the command with this on its standard input, and waits until it ends.
     *
     * @return what it wrote, standard output and error together
     * @throws IOException when it cannot start, outlives the deadline or fails, with what it wrote
     */
    public static String run(List<String> command, String input, Duration deadline) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
                throw new IOException(command.get(0) + " failed" + (out.isBlank() ? "" : ": " + out.trim()));
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            process.destroy();
        }
    }
}
