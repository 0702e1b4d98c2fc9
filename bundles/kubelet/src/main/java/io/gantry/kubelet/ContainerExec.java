package io.gantry.kubelet;

import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.ExecStreams;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /exec/NAMESPACE/POD/CONTAINER?command=...&stdin=&stdout=&stderr=&tty=} upgraded to a
 * WebSocket with a Kubernetes channel protocol ({@code v5.channel.k8s.io}, or
 * {@code v4.channel.k8s.io}): each binary message starts with its channel — 0 stdin, 1 stdout,
 * 2 stderr, 3 the final Status, 4 terminal resizes, and in v5 255 to close a stream (how
 * {@code kubectl exec -i} ends the command's input). The command runs through the container's
 * runtime; its exit code ends the session as the Status kubectl turns into its own exit code.
 * kubectl before 1.30 asks for the same over SPDY/3.1 with {@code v4.channel.k8s.io}
 * ({@link SpdyExec}).
 */
final class ContainerExec implements KubeletServer.Handler {

    static final String V5 = "v5.channel.k8s.io";
    static final String V4 = "v4.channel.k8s.io";
    private static final Logger LOG = LoggerFactory.getLogger(ContainerExec.class);
    private static final int STDIN = 0;
    private static final int STDOUT = 1;
    private static final int STDERR = 2;
    private static final int ERROR = 3;
    private static final int CLOSE_STREAM = 255;

    private final NodeContainers containers;

    ContainerExec(NodeContainers containers) {
        this.containers = containers;
    }

    @Override
    public void handle(KubeletServer.Request request, Socket connection) throws IOException {
        OutputStream out = connection.getOutputStream();
        Map<String, String> headers = request.headers();
        boolean spdy = "SPDY/3.1".equalsIgnoreCase(headers.get("upgrade"));
        String key = headers.get("sec-websocket-key");
        if (!spdy && (!"websocket".equalsIgnoreCase(headers.get("upgrade")) || key == null)) {
            KubeletServer.error(out, 400, "exec needs a WebSocket upgrade with protocol " + V5 + " or " + V4
                    + " (or SPDY/3.1 with " + V4 + ")");
            return;
        }
        String offered = headers.get(spdy ? "x-stream-protocol-version" : "sec-websocket-protocol");
        String protocol = spdy ? (SpdySession.values(offered).contains(V4) ? V4 : null) : protocol(offered);
        if (protocol == null) {
            KubeletServer.error(out, 400, "none of the offered protocols is served: "
                    + (offered == null ? "none" : offered) + " (served: " + (spdy ? V4 : V5 + ", " + V4) + ")");
            return;
        }
        if (request.path().size() != 3) {
            KubeletServer.error(out, 400, "expected /exec/NAMESPACE/POD/CONTAINER");
            return;
        }
        List<String> command = request.values().getOrDefault("command", List.of());
        boolean stdin = flag(request, "stdin");
        boolean stdout = flag(request, "stdout");
        boolean stderr = flag(request, "stderr");
        boolean tty = flag(request, "tty");
        if (command.isEmpty()) {
            KubeletServer.error(out, 400, "you must specify at least 1 command");
            return;
        }
        if (!stdin && !stdout && !stderr) {
            KubeletServer.error(out, 400, "you must specify at least 1 of stdin, stdout, stderr");
            return;
        }
        String podName = request.path().get(1);
        String name = request.path().get(2);
        NodeContainers.Found found;
        try {
            found = containers.find(request.path().get(0), podName, name, false);
        } catch (IllegalArgumentException e) {
            KubeletServer.error(out, 400, e.getMessage());
            return;
        } catch (NodeContainers.NotFound e) {
            KubeletServer.error(out, 404, e.getMessage());
            return;
        }
        if (found.container().state() != ContainerStatus.State.RUNNING) {
            KubeletServer.error(out, 400, "container \"" + name + "\" in pod \"" + podName + "\" is not running");
            return;
        }
        if (spdy) {
            out.write(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                    + "X-Stream-Protocol-Version: " + V4 + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            new SpdyExec(connection, found, command, stdin, stdout, stderr, tty).run();
            return;
        }
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + WebSocket.accept(key) + "\r\nSec-WebSocket-Protocol: " + protocol
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        run(new WebSocket(connection.getInputStream(), out), found, command, stdin, stdout, stderr, tty,
                protocol.equals(V5));
    }

    private void run(WebSocket socket, NodeContainers.Found found, List<String> command, boolean stdin, boolean stdout,
                     boolean stderr, boolean tty, boolean v5) throws IOException {
        PipedOutputStream toCommand = stdin ? new PipedOutputStream() : null;
        PipedInputStream commandInput = stdin ? new PipedInputStream(toCommand, 64 * 1024) : null;
        Thread running = Thread.currentThread();
        boolean[] finished = new boolean[1];
        Thread reader = new Thread(() -> {
            try {
                for (WebSocket.Message message = socket.read(); message != null; message = socket.read()) {
                    if (message.opcode() == WebSocket.CLOSE) {
                        break;
                    }
                    if (message.opcode() == WebSocket.PING) {
                        socket.write(WebSocket.PONG, message.payload(), 0, message.payload().length);
                    } else if (message.opcode() == WebSocket.BINARY && message.payload().length > 0) {
                        input(message.payload(), toCommand, v5);
                    }
                }
            } catch (IOException e) {
                LOG.debug("Exec: the client's stream ended: {}", e.getMessage());
            } finally {
                closeQuietly(toCommand);
                synchronized (finished) {
                    if (!finished[0]) {
                        running.interrupt(); // the client left before the command ended
                    }
                }
            }
        }, "gantry-kubelet-exec-input");
        reader.setDaemon(true);
        reader.start();
        int exitCode;
        try {
            exitCode = found.runtime().exec(found.container().id(), command, new ExecStreams(commandInput,
                    stdout ? new Channel(socket, STDOUT) : null, stderr ? new Channel(socket, STDERR) : null, tty));
        } catch (RuntimeException e) {
            LOG.info("Exec of {} in container {} failed: {}", command, found.container().name(), e.getMessage());
            status(socket, failure("InternalError", e.getMessage(), -1));
            return;
        } catch (IOException e) {
            if (reader.isAlive()) {
                throw e;
            }
            LOG.debug("Exec of {} in container {} ended with its client: {}", command, found.container().name(),
                    e.getMessage());
            return; // the client left: nobody to tell
        } finally {
            synchronized (finished) {
                finished[0] = true;
            }
            Thread.interrupted(); // an interrupt from the reader has done its work
        }
        status(socket, outcome(exitCode));
    }

    /** What the client sent: stdin data, or (v5) the end of stdin; resizes are not passed on. */
    private static void input(byte[] payload, PipedOutputStream toCommand, boolean v5) throws IOException {
        int channel = payload[0] & 0xff;
        if (channel == STDIN && toCommand != null) {
            try {
                toCommand.write(payload, 1, payload.length - 1);
                toCommand.flush();
            } catch (IOException e) {
                LOG.debug("Exec: the command no longer reads its input: {}", e.getMessage());
            }
        } else if (v5 && channel == CLOSE_STREAM && payload.length > 1 && payload[1] == STDIN) {
            closeQuietly(toCommand);
        }
    }

    private static void status(WebSocket socket, String status) throws IOException {
        byte[] bytes = status.getBytes(StandardCharsets.UTF_8);
        socket.channel(ERROR, bytes, 0, bytes.length);
        socket.close(1000);
    }

    /** The Status kubectl reads on channel 3; with NonZeroExitCode, its ExitCode cause becomes kubectl's exit code. */
    static String failure(String reason, String message, int exitCode) {
        String details = exitCode < 0 ? "" : ",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"" + exitCode + "\"}]}";
        return "{\"metadata\":{},\"status\":\"Failure\",\"message\":" + quote(message) + ",\"reason\":\"" + reason + "\""
                + details + "}";
    }

    /** The final Status of a command that ran to its exit. */
    static String outcome(int exitCode) {
        return exitCode == 0 ? "{\"metadata\":{},\"status\":\"Success\"}"
                : failure("NonZeroExitCode", "command terminated with non-zero exit code: exit status " + exitCode, exitCode);
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : String.valueOf(text).toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    /** The first protocol of the client's list this endpoint speaks, v5 preferred. */
    static String protocol(String offered) {
        if (offered == null) {
            return null;
        }
        List<String> protocols = List.of(offered.split("\\s*,\\s*"));
        return protocols.contains(V5) ? V5 : protocols.contains(V4) ? V4 : null;
    }

    private static boolean flag(KubeletServer.Request request, String name) {
        String value = request.query().get(name);
        return value != null && (value.equals("true") || value.equals("1") || value.equalsIgnoreCase("t"));
    }

    private static void closeQuietly(OutputStream stream) {
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    /** One output channel of the session. */
    private static final class Channel extends OutputStream {
        private final WebSocket socket;
        private final int channel;

        Channel(WebSocket socket, int channel) {
            this.socket = socket;
            this.channel = channel;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > 0) {
                socket.channel(channel, b, off, len);
            }
        }
    }
}
