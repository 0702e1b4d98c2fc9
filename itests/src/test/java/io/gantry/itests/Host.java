package io.gantry.itests;

import io.gantry.api.FreePorts;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the tests take from the machine they run on: free ports, and programs run to their end. */
public final class Host {

    private Host() {
    }

    /**
     * A port nothing listens on now, for a server of a node the test configures: from below the
     * kernel's ephemeral range, once per JVM ({@link FreePorts}). Called where the test configures
     * its nodes, outside Karaf.
     */
    public static int freePort() {
        return FreePorts.next();
    }

    /** What a program printed and how it ended. */
    public record Result(List<String> command, int exit, String out, String err) {
    }

    /**
     * Runs a program to its end, with INPUT (or nothing) on its standard input. Its output goes to
     * files, so that a chatty program never blocks on a full pipe.
     */
    public static Result run(ProcessBuilder builder, Duration timeout, String input) throws IOException, InterruptedException {
        Path out = Files.createTempFile("gantry-out", ".txt");
        Path err = Files.createTempFile("gantry-err", ".txt");
        try {
            builder.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process process = builder.start();
            try (OutputStream stdin = process.getOutputStream()) {
                if (input != null) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(builder.command() + " did not end within " + timeout);
            }
            return new Result(builder.command(), process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
