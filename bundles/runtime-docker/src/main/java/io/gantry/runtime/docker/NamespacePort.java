package io.gantry.runtime.docker;

import io.gantry.api.runtime.PortConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A connection to a port on the loopback address of a container's network namespace, made as
 * Kubernetes' Docker shim made it: {@code nsenter} into the namespace of the sandbox's process runs a
 * netcat of the host ({@code busybox nc}, else {@code socat} or {@code nc} on the PATH) whose
 * standard streams are the connection. Entering another process's namespace takes root.
 */
final class NamespacePort implements PortConnection {

    private final Process process;

    private NamespacePort(Process process) {
        this.process = process;
    }

    /** Connects to the port in the network namespace of the process. */
    static NamespacePort open(long pid, int port) throws IOException {
        List<String> command = new ArrayList<>(List.of("nsenter", "-t", String.valueOf(pid), "-n", "--"));
        command.addAll(netcat(port).orElseThrow(() -> new IOException("port-forward to a port the pod does not publish "
                + "needs a netcat on this node: /bin/busybox (Debian's busybox-static), socat or nc")));
        return new NamespacePort(new ProcessBuilder(command).start());
    }

    private static Optional<List<String>> netcat(int port) {
        if (Files.isExecutable(Path.of("/bin/busybox"))) {
            return Optional.of(List.of("/bin/busybox", "nc", "127.0.0.1", String.valueOf(port)));
        }
        if (onPath("socat")) {
            return Optional.of(List.of("socat", "-", "TCP4:127.0.0.1:" + port));
        }
        return onPath("nc") ? Optional.of(List.of("nc", "127.0.0.1", String.valueOf(port))) : Optional.empty();
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && List.of(path.split(":")).stream()
                .anyMatch(folder -> !folder.isEmpty() && Files.isExecutable(Path.of(folder, program)));
    }

    @Override
    public InputStream input() {
        return process.getInputStream();
    }

    @Override
    public OutputStream output() {
        OutputStream buffered = process.getOutputStream();
        return new OutputStream() { // each write goes out at once: a request must not wait in the process's buffer
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                buffered.write(bytes, offset, length);
                buffered.flush();
            }

            @Override
            public void close() throws IOException {
                buffered.close();
            }
        };
    }

    @Override
    public String awaitFailure() throws InterruptedException {
        int code = process.waitFor();
        if (code == 0) {
            return null;
        }
        try {
            String said = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return said.isEmpty() ? "the connection inside the pod ended with exit code " + code : said;
        } catch (IOException e) {
            return "the connection inside the pod ended with exit code " + code;
        }
    }

    @Override
    public void close() {
        process.destroy();
    }
}
