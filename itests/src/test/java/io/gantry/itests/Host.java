package io.gantry.itests;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** What the tests take from the machine they run on: free ports, and programs run to their end. */
public final class Host {

    private static final int FIRST_PORT = 20000;
    private static final int PORTS = 32768 - FIRST_PORT;
    private static final AtomicInteger NEXT_PORT = new AtomicInteger(ThreadLocalRandom.current().nextInt(PORTS));

    private Host() {
    }

    /**
     * A port nothing listens on now, for a server the test is about to start. It comes from below
     * the kernel's ephemeral range (32768-60999 here), so that no outgoing connection takes it before
     * the server binds it (a node's Hazelcast member once found its port so taken and never joined),
     * and none is handed out twice in this JVM. (The bundles' tests take theirs from
     * io.gantry.api.FreePorts; these are also called inside Karaf, where that test class is not.)
     */
    public static int freePort() {
        for (int tried = 0; tried < PORTS; tried++) {
            int port = FIRST_PORT + Math.floorMod(NEXT_PORT.getAndIncrement(), PORTS);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(port));
                return port;
            } catch (IOException taken) {
                // a server of this host has it: the next
            }
        }
        throw new IllegalStateException("no free port in " + FIRST_PORT + "-" + (FIRST_PORT + PORTS - 1));
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
