package io.gantry.kubelet;

import io.gantry.api.runtime.ExecStreams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kubectl exec} and {@code kubectl attach} as kubectl before 1.30 speaks them: SPDY/3.1 with
 * protocol {@code v4.channel.k8s.io}. The client opens one stream per channel ({@code streamType}
 * error, stdin, stdout, stderr, resize); once the ones the request asked for are there, the process
 * runs with them, and its Status is written on the error stream, as on the WebSocket's channel 3.
 */
final class SpdyStreams {

    private static final Logger LOG = LoggerFactory.getLogger(SpdyStreams.class);
    /** How long the client has to open its streams (the kubelet's streamCreationTimeout is 30 s). */
    private static final long STREAMS_MILLIS = 30_000;

    private final Socket connection;
    private final StreamSession.Request request;
    private final String what;
    private final StreamSession.Process process;
    private final Map<String, SpdySession.Stream> streams = new ConcurrentHashMap<>();

    SpdyStreams(Socket connection, StreamSession.Request request, String what, StreamSession.Process process) {
        this.connection = connection;
        this.request = request;
        this.what = what;
        this.process = process;
    }

    void run() throws IOException {
        SpdySession session = new SpdySession(connection.getInputStream(), connection.getOutputStream());
        Thread running = Thread.currentThread();
        boolean[] finished = new boolean[1];
        Thread reader = new Thread(() -> {
            try {
                session.run(stream -> {
                    synchronized (streams) {
                        streams.put(String.valueOf(stream.header("streamtype")), stream);
                        streams.notifyAll();
                    }
                });
            } catch (IOException e) {
                LOG.debug("{} over SPDY: the client's side ended: {}", what, e.getMessage());
            } finally {
                synchronized (finished) {
                    if (!finished[0]) {
                        running.interrupt(); // the client left before the process ended
                    }
                }
            }
        }, "gantry-kubelet-stream-spdy");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!awaitStreams()) {
                LOG.info("{} over SPDY: the client did not open its streams within {} ms", what, STREAMS_MILLIS);
                return;
            }
            SpdySession.Stream error = streams.get("error");
            InputStream input = request.stdin() ? streams.get("stdin").input() : null;
            OutputStream output = request.stdout() ? streams.get("stdout").output() : null;
            OutputStream errors = request.stderr() ? streams.get("stderr").output() : null;
            TerminalResizes resizes = request.tty() ? new TerminalResizes() : null;
            if (resizes != null) {
                readResizes(resizes);
            }
            String status;
            try {
                status = process.run(new ExecStreams(input, output, errors, request.tty(), resizes));
            } catch (RuntimeException e) {
                LOG.info("{} failed: {}", what, e.getMessage());
                status = StreamSession.failure("InternalError", e.getMessage(), -1);
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
                if (resizes != null) {
                    resizes.end();
                }
            }
            for (OutputStream stream : new OutputStream[] {output, errors}) {
                if (stream != null) {
                    stream.close();
                }
            }
            if (!status.equals(StreamSession.SUCCESS)) {
                error.output().write(status.getBytes(StandardCharsets.UTF_8));
            }
            error.finish();
        } catch (InterruptedException e) {
            LOG.debug("{} over SPDY: the client left before opening its streams", what); // the reader's interrupt
        } finally {
            session.close();
        }
    }

    /**
     * Passes on the sizes of the resize stream, which a client opens with a tty, maybe after the
     * others: waited for on a thread of its own, so that a client without one delays nothing.
     */
    private void readResizes(TerminalResizes resizes) {
        Thread thread = new Thread(() -> {
            try {
                SpdySession.Stream stream;
                synchronized (streams) {
                    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STREAMS_MILLIS);
                    while ((stream = streams.get("resize")) == null && System.nanoTime() < deadline
                            && !connection.isClosed()) {
                        streams.wait(500);
                    }
                }
                if (stream != null) {
                    resizes.readAll(stream.input());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                resizes.end();
            }
        }, "gantry-kubelet-stream-resize");
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits until the streams the request asked for are open; false when the client took too long or left. */
    private boolean awaitStreams() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STREAMS_MILLIS);
        synchronized (streams) {
            while (!(streams.containsKey("error") && (!request.stdin() || streams.containsKey("stdin"))
                    && (!request.stdout() || streams.containsKey("stdout"))
                    && (!request.stderr() || streams.containsKey("stderr")))) {
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
