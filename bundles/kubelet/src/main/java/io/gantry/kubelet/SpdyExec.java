package io.gantry.kubelet;

import io.gantry.api.runtime.ExecStreams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kubectl exec} as kubectl before 1.30 speaks it: SPDY/3.1 with protocol
 * {@code v4.channel.k8s.io}. The client opens one stream per channel ({@code streamType} error,
 * stdin, stdout, stderr, resize); once the ones the request asked for are there, the command runs
 * with them, and its outcome is written as a Status on the error stream, as on the WebSocket's
 * channel 3.
 */
final class SpdyExec {

    private static final Logger LOG = LoggerFactory.getLogger(SpdyExec.class);
    /** How long the client has to open its streams (the kubelet's streamCreationTimeout is 30 s). */
    private static final long STREAMS_MILLIS = 30_000;

    private final Socket connection;
    private final NodeContainers.Found found;
    private final List<String> command;
    private final boolean stdin;
    private final boolean stdout;
    private final boolean stderr;
    private final boolean tty;
    private final Map<String, SpdySession.Stream> streams = new ConcurrentHashMap<>();

    SpdyExec(Socket connection, NodeContainers.Found found, List<String> command, boolean stdin, boolean stdout,
             boolean stderr, boolean tty) {
        this.connection = connection;
        this.found = found;
        this.command = command;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.tty = tty;
    }

    void run() throws IOException {
        SpdySession session = new SpdySession(connection.getInputStream(), connection.getOutputStream());
        Thread reader = new Thread(() -> {
            try {
                session.run(stream -> {
                    synchronized (streams) {
                        streams.put(String.valueOf(stream.header("streamtype")), stream);
                        streams.notifyAll();
                    }
                });
            } catch (IOException e) {
                LOG.debug("Exec over SPDY: the client's side ended: {}", e.getMessage());
            }
        }, "gantry-kubelet-exec-spdy");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!awaitStreams()) {
                LOG.info("Exec over SPDY: the client did not open its streams within {} ms", STREAMS_MILLIS);
                return;
            }
            SpdySession.Stream error = streams.get("error");
            InputStream input = stdin ? streams.get("stdin").input() : null;
            OutputStream output = stdout ? streams.get("stdout").output() : null;
            OutputStream errors = stderr ? streams.get("stderr").output() : null;
            String status;
            try {
                status = ContainerExec.outcome(found.runtime().exec(found.container().id(), command,
                        new ExecStreams(input, output, errors, tty)));
            } catch (RuntimeException e) {
                LOG.info("Exec of {} in container {} failed: {}", command, found.container().name(), e.getMessage());
                status = ContainerExec.failure("InternalError", e.getMessage(), -1);
            }
            for (OutputStream stream : new OutputStream[] {output, errors}) {
                if (stream != null) {
                    stream.close();
                }
            }
            if (!status.contains("\"Success\"")) {
                error.output().write(status.getBytes(StandardCharsets.UTF_8));
            }
            error.finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            session.close();
        }
    }

    /** Waits until the streams the request asked for are open; false when the client took too long or left. */
    private boolean awaitStreams() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STREAMS_MILLIS);
        synchronized (streams) {
            while (!(streams.containsKey("error") && (!stdin || streams.containsKey("stdin"))
                    && (!stdout || streams.containsKey("stdout")) && (!stderr || streams.containsKey("stderr")))) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || connection.isClosed()) {
                    return false;
                }
                streams.wait(Math.min(left, 500));
            }
            return true;
        }
    }
}
