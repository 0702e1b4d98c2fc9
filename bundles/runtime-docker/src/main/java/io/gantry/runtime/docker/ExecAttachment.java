package io.gantry.runtime.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries a process's streams over the engine's hijacked connection: a created exec's
 * ({@code POST /exec/ID/start}) or a container's main process ({@code POST /containers/ID/attach}).
 * docker-java never half-closes the connection when stdin ends, so
 * {@code echo x | kubectl exec -i POD -- cat} would wait forever; this speaks the engine's attach
 * protocol itself (unix and plain tcp hosts) and shuts the connection's output down at the end of
 * stdin, which the engine passes on to the process as end of input (to a container's main process
 * when it was created with StdinOnce).
 */
final class ExecAttachment {

    private static final Logger LOG = LoggerFactory.getLogger(ExecAttachment.class);

    private ExecAttachment() {
    }

    /** Whether this engine address can be reached by {@link #run}. */
    static boolean supports(String dockerHost) {
        return dockerHost.startsWith("unix://") || dockerHost.startsWith("tcp://");
    }

    /** Runs the exec with its streams until its output ends (or the thread is interrupted). */
    static void run(String dockerHost, String execId, InputStream stdin, OutputStream stdout, OutputStream stderr,
                    boolean tty) throws IOException {
        byte[] body = ("{\"Detach\":false,\"Tty\":" + tty + "}").getBytes(StandardCharsets.UTF_8);
        stream(dockerHost, "/exec/" + execId + "/start", body, "exec " + execId, stdin, stdout, stderr, tty);
    }

    /**
     * Attaches to a container's main process until its output ends, which is when it exits (or the
     * thread is interrupted); only what it writes from now on is passed.
     *
     * @param tty whether the container runs on a terminal: its output then comes unframed
     */
    static void attach(String dockerHost, String containerId, InputStream stdin, OutputStream stdout,
                       OutputStream stderr, boolean tty) throws IOException {
        stream(dockerHost, "/containers/" + containerId + "/attach?stream=1&stdin=" + (stdin == null ? 0 : 1)
                + "&stdout=" + (stdout == null ? 0 : 1) + "&stderr=" + (stderr == null ? 0 : 1), new byte[0],
                "container " + containerId, stdin, stdout, stderr, tty);
    }

    private static void stream(String dockerHost, String path, byte[] body, String what, InputStream stdin,
                               OutputStream stdout, OutputStream stderr, boolean tty) throws IOException {
        try (SocketChannel channel = open(dockerHost)) {
            write(channel, ("POST " + path + " HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n"
                    + "Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            write(channel, body);
            String status = readHead(channel);
            if (!status.startsWith("HTTP/1.1 101") && !status.startsWith("HTTP/1.1 200")) {
                throw new IOException("the engine refused to attach to " + what + ": " + status);
            }
            Thread input = stdin == null ? null : new Thread(() -> copyInput(stdin, channel), "gantry-docker-stdin");
            if (input != null) {
                input.setDaemon(true);
                input.start();
            }
            try {
                if (tty) {
                    copyRaw(channel, stdout);
                } else {
                    demultiplex(channel, stdout, stderr);
                }
            } finally {
                if (input != null) {
                    input.interrupt();
                }
            }
        }
    }

    private static SocketChannel open(String dockerHost) throws IOException {
        URI uri = URI.create(dockerHost);
        if (dockerHost.startsWith("unix://")) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(uri.getPath()));
            return channel;
        }
        return SocketChannel.open(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 2375 : uri.getPort()));
    }

    private static void copyInput(InputStream stdin, SocketChannel channel) {
        try {
            byte[] buffer = new byte[8192];
            for (int read = stdin.read(buffer); read >= 0; read = stdin.read(buffer)) {
                write(channel, ByteBuffer.wrap(buffer, 0, read));
            }
            channel.shutdownOutput(); // the command sees the end of its input
        } catch (IOException e) {
            LOG.debug("Input ended: {}", e.getMessage());
        }
    }

    /** The engine's multiplexed stream: an 8-byte header (stream, 0, 0, 0, length) before each piece. */
    private static void demultiplex(SocketChannel channel, OutputStream stdout, OutputStream stderr) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(8);
        while (readFully(channel, header.clear())) {
            int stream = header.get(0);
            int length = header.getInt(4);
            ByteBuffer payload = ByteBuffer.allocate(length);
            if (!readFully(channel, payload)) {
                return;
            }
            OutputStream out = stream == 2 ? stderr : stdout;
            if (out != null) {
                out.write(payload.array(), 0, length);
                out.flush();
            }
        }
    }

    private static void copyRaw(SocketChannel channel, OutputStream stdout) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        for (int read = channel.read(buffer.clear()); read >= 0; read = channel.read(buffer.clear())) {
            if (stdout != null && read > 0) {
                stdout.write(buffer.array(), 0, read);
                stdout.flush();
            }
        }
    }

    /** Fills the buffer; false when the stream ended first. */
    private static boolean readFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                return false;
            }
        }
        buffer.flip();
        return true;
    }

    private static String readHead(SocketChannel channel) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            if (channel.read(one.clear()) < 0 || head.size() > 16 * 1024) {
                throw new IOException("the engine ended its answer early");
            }
            int b = one.get(0) & 0xff;
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.indexOf("\r\n"));
    }

    private static void write(SocketChannel channel, byte[] bytes) throws IOException {
        write(channel, ByteBuffer.wrap(bytes));
    }

    private static void write(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
