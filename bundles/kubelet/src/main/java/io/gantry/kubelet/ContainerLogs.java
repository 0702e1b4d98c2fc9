package io.gantry.kubelet;

import io.gantry.api.runtime.LogOptions;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code GET /containerLogs/NAMESPACE/POD/CONTAINER}: a container's log from its runtime, with
 * the query parameters of the Kubernetes {@code PodLogOptions} ({@code follow}, {@code tailLines},
 * {@code sinceSeconds}, {@code sinceTime}, {@code timestamps}, {@code previous},
 * {@code limitBytes}). Errors are plain text in the words the kubelet uses.
 */
final class ContainerLogs implements KubeletServer.Handler {

    private final NodeContainers containers;
    private final Clock clock;

    ContainerLogs(NodeContainers containers, Clock clock) {
        this.containers = containers;
        this.clock = clock;
    }

    @Override
    public void handle(KubeletServer.Request request, Socket connection) throws IOException {
        OutputStream out = connection.getOutputStream();
        if (!request.method().equals("GET")) {
            KubeletServer.error(out, 405, "only GET is served on containerLogs");
            return;
        }
        if (request.path().size() != 3) {
            KubeletServer.error(out, 400, "expected /containerLogs/NAMESPACE/POD/CONTAINER");
            return;
        }
        String namespace = request.path().get(0);
        String podName = request.path().get(1);
        String name = request.path().get(2);
        NodeContainers.Found target;
        LogOptions options;
        long limitBytes;
        try {
            options = options(request);
            limitBytes = number(request, "limitBytes", Long.MAX_VALUE);
            target = containers.find(namespace, podName, name, "true".equals(request.query().get("previous")));
        } catch (IllegalArgumentException e) {
            KubeletServer.error(out, 400, e.getMessage());
            return;
        } catch (NodeContainers.NotFound e) {
            KubeletServer.error(out, 404, e.getMessage());
            return;
        }
        KubeletServer.head(out, 200, "OK", "text/plain");
        Thread streaming = Thread.currentThread();
        Thread watcher = options.follow() ? clientGone(connection.getInputStream(), streaming) : null;
        try {
            target.runtime().logs(target.container().id(), options, new Limited(out, limitBytes));
        } catch (Limited.Reached e) {
            // as much as was asked for
        } finally {
            if (watcher != null) {
                watcher.interrupt();
            }
            Thread.interrupted(); // an interrupt from the watcher ended the stream; the thread goes back to its pool
        }
        out.flush();
    }

    private LogOptions options(KubeletServer.Request request) {
        boolean follow = "true".equals(request.query().get("follow"));
        boolean timestamps = "true".equals(request.query().get("timestamps"));
        long tail = number(request, "tailLines", -1);
        long sinceSeconds = number(request, "sinceSeconds", -1);
        Instant since = null;
        if (sinceSeconds >= 0) {
            since = clock.instant().minusSeconds(sinceSeconds);
        } else if (request.query().get("sinceTime") != null && !request.query().get("sinceTime").isEmpty()) {
            try {
                since = Instant.parse(request.query().get("sinceTime"));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("sinceTime: expected an RFC 3339 time, got "
                        + request.query().get("sinceTime"));
            }
        }
        return new LogOptions(follow, tail < 0 ? null : (int) Math.min(Integer.MAX_VALUE, tail), since, timestamps);
    }

    private static long number(KubeletServer.Request request, String name, long absent) {
        String value = request.query().get(name);
        if (value == null || value.isEmpty()) {
            return absent;
        }
        try {
            long number = Long.parseLong(value);
            if (number < 0) {
                throw new IllegalArgumentException(name + ": must be greater than or equal to 0, got " + value);
            }
            return number;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": expected an integer, got " + value);
        }
    }

    /**
     * A follower's stream ends when its client does: the client sends nothing after its request,
     * so the end of its input means it went away, and the streaming thread is interrupted.
     */
    private static Thread clientGone(InputStream in, Thread streaming) {
        Thread watcher = new Thread(() -> {
            try {
                while (in.read() >= 0) {
                    // nothing is expected; keep reading until the end
                }
            } catch (IOException e) {
                // closed: gone too
            }
            if (!Thread.currentThread().isInterrupted()) {
                streaming.interrupt();
            }
        }, "gantry-kubelet-log-follower");
        watcher.setDaemon(true);
        watcher.start();
        return watcher;
    }

    /** Passes on at most limitBytes, then ends the stream. */
    private static final class Limited extends FilterOutputStream {
        private long left;

        Limited(OutputStream out, long limit) {
            super(out);
            this.left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int take = (int) Math.min(len, left);
            out.write(b, off, take);
            left -= take;
            if (left == 0) {
                out.flush();
                throw new Reached();
            }
        }

        static final class Reached extends IOException {
            private static final long serialVersionUID = 1L;

            Reached() {
                super("limitBytes reached");
            }
        }
    }
}
