package io.gantry.kubelet;

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
 * The client's side of {@code kubectl exec} and {@code kubectl attach}: the request upgraded to a
 * WebSocket with a Kubernetes channel protocol ({@code v5.channel.k8s.io}, or
 * {@code v4.channel.k8s.io}) — each binary message starts with its channel: 0 stdin, 1 stdout,
 * 2 stderr, 3 the final Status, 4 terminal resizes, and in v5 255 to close a stream (how
 * {@code kubectl exec -i} ends the input) — or, for kubectl before 1.30, to SPDY/3.1 with
 * {@code v4.channel.k8s.io} ({@link SpdyStreams}). A {@link Process} runs with the client's streams;
 * the Status it ends with is what kubectl turns into its own exit code.
 */
final class StreamSession {

    static final String V5 = "v5.channel.k8s.io";
    static final String V4 = "v4.channel.k8s.io";
    static final String SUCCESS = "{\"metadata\":{},\"status\":\"Success\"}";
    private static final Logger LOG = LoggerFactory.getLogger(StreamSession.class);
    private static final int STDIN = 0;
    private static final int STDOUT = 1;
    private static final int STDERR = 2;
    private static final int ERROR = 3;
    private static final int RESIZE = 4;
    private static final int CLOSE_STREAM = 255;

    /** What runs with the client's streams: a command (exec) or a container's main process (attach). */
    interface Process {
        /**
         * Runs until the process ends, the thread is interrupted (the client left) or a stream fails;
         * returns the Status to end the session with.
         */
        String run(ExecStreams streams) throws IOException;
    }

    /**
     * The streams a request asks for, and the protocol agreed with the client.
     *
     * @param key the client's WebSocket key, null with SPDY
     */
    record Request(boolean spdy, String protocol, String key, boolean stdin, boolean stdout, boolean stderr,
                   boolean tty) {
    }

    private StreamSession() {
    }

    /**
     * The upgrade the client asked for, or null after answering 400 (not an upgrade, or none of its
     * protocols is served).
     */
    static Request negotiate(KubeletServer.Request request, OutputStream out, String operation) throws IOException {
        Map<String, String> headers = request.headers();
        boolean spdy = "SPDY/3.1".equalsIgnoreCase(headers.get("upgrade"));
        String key = headers.get("sec-websocket-key");
        if (!spdy && (!"websocket".equalsIgnoreCase(headers.get("upgrade")) || key == null)) {
            KubeletServer.error(out, 400, operation + " needs a WebSocket upgrade with protocol " + V5 + " or " + V4
                    + " (or SPDY/3.1 with " + V4 + ")");
            return null;
        }
        String offered = headers.get(spdy ? "x-stream-protocol-version" : "sec-websocket-protocol");
        String protocol = spdy ? (SpdySession.values(offered).contains(V4) ? V4 : null) : protocol(offered);
        if (protocol == null) {
            KubeletServer.error(out, 400, "none of the offered protocols is served: "
                    + (offered == null ? "none" : offered) + " (served: " + (spdy ? V4 : V5 + ", " + V4) + ")");
            return null;
        }
        return new Request(spdy, protocol, key, flag(request, "stdin"), flag(request, "stdout"),
                flag(request, "stderr"), flag(request, "tty"));
    }

    /** Answers the upgrade, runs the process with the client's streams and ends with its Status. */
    static void run(Socket connection, Request request, String what, Process process) throws IOException {
        OutputStream out = connection.getOutputStream();
        if (request.spdy()) {
            out.write(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                    + "X-Stream-Protocol-Version: " + V4 + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            new SpdyStreams(connection, request, what, process).run();
            return;
        }
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + WebSocket.accept(request.key()) + "\r\nSec-WebSocket-Protocol: "
                + request.protocol() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        runWebSocket(new WebSocket(connection.getInputStream(), out), request, what, process);
    }

    private static void runWebSocket(WebSocket socket, Request request, String what, Process process)
            throws IOException {
        boolean v5 = request.protocol().equals(V5);
        PipedOutputStream toProcess = request.stdin() ? new PipedOutputStream() : null;
        PipedInputStream processInput = request.stdin() ? new PipedInputStream(toProcess, 64 * 1024) : null;
        TerminalResizes resizes = request.tty() ? new TerminalResizes() : null;
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
                        input(message.payload(), toProcess, resizes, v5);
                    }
                }
            } catch (IOException e) {
                LOG.debug("The client's stream of {} ended: {}", what, e.getMessage());
            } finally {
                closeQuietly(toProcess);
                if (resizes != null) {
                    resizes.end();
                }
                synchronized (finished) {
                    if (!finished[0]) {
                        running.interrupt(); // the client left before the process ended
                    }
                }
            }
        }, "gantry-kubelet-stream-input");
        reader.setDaemon(true);
        reader.start();
        String status;
        try {
            status = process.run(new ExecStreams(processInput, request.stdout() ? new Channel(socket, STDOUT) : null,
                    request.stderr() ? new Channel(socket, STDERR) : null, request.tty(), resizes));
        } catch (RuntimeException e) {
            LOG.info("{} failed: {}", what, e.getMessage());
            status = failure("InternalError", e.getMessage(), -1);
        } catch (IOException e) {
            if (reader.isAlive()) {
                throw e;
            }
            LOG.debug("{} ended with its client: {}", what, e.getMessage());
            return; // the client left: nobody to tell
        } finally {
            synchronized (finished) {
                finished[0] = true;
            }
            Thread.interrupted(); // an interrupt from the reader has done its work
        }
        byte[] bytes = status.getBytes(StandardCharsets.UTF_8);
        socket.channel(ERROR, bytes, 0, bytes.length);
        socket.close(1000);
    }

    /** What the client sent: stdin data, a terminal size, or (v5) the end of stdin. */
    private static void input(byte[] payload, PipedOutputStream toProcess, TerminalResizes resizes, boolean v5)
            throws IOException {
        int channel = payload[0] & 0xff;
        if (channel == STDIN && toProcess != null) {
            try {
                toProcess.write(payload, 1, payload.length - 1);
                toProcess.flush();
            } catch (IOException e) {
                LOG.debug("The process no longer reads its input: {}", e.getMessage());
            }
        } else if (channel == RESIZE && resizes != null) {
            resizes.offer(payload, 1, payload.length - 1);
        } else if (v5 && channel == CLOSE_STREAM && payload.length > 1 && payload[1] == STDIN) {
            closeQuietly(toProcess);
        }
    }

    /** The Status kubectl reads on channel 3; with NonZeroExitCode, its ExitCode cause becomes kubectl's exit code. */
    static String failure(String reason, String message, int exitCode) {
        String details = exitCode < 0 ? "" : ",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"" + exitCode + "\"}]}";
        return "{\"metadata\":{},\"status\":\"Failure\",\"message\":" + quote(message) + ",\"reason\":\"" + reason + "\""
                + details + "}";
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
