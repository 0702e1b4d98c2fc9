package io.gantry.benchmarks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A load generator's HTTP/1.1 client, as lean as the measurement needs: a fixed set of keep-alive
 * connections, each with a thread that takes the next request, writes its prepared bytes and reads
 * the answer (Content-Length or chunked). The JDK's HttpClient, driven asynchronously at 1,000
 * requests/s, took as much CPU as the node it measured; on two cores the two then fought, and the
 * peer's own p99 (GET /healthz) came out at 40 ms, above the latency the benchmark is after.
 */
final class PlainHttp implements AutoCloseable {

    /** What a request's answer was; {@code error} is set when there was none. */
    interface Answer {
        void done(int status, String firstLine, IOException error);
    }

    private record Job(byte[] request, Answer answer) {
    }

    private static final Job STOP = new Job(null, null);

    private final BlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
    private final List<Thread> connections = new ArrayList<>();
    private final String host;
    private final int port;

    PlainHttp(URI base, int connectionCount) {
        this.host = base.getHost();
        this.port = base.getPort();
        for (int i = 0; i < connectionCount; i++) {
            Thread connection = new Thread(this::serve, "plain-http-" + i);
            connection.setDaemon(true);
            connection.start();
            connections.add(connection);
        }
    }

    /** The bytes of a request with JSON in (body null for none) and out. */
    byte[] prepare(String method, String path, String body) {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String head = String.format(Locale.ROOT, "%s %s HTTP/1.1\r\nHost: %s:%d\r\nAccept: application/json\r\n%s"
                        + "Content-Length: %d\r\n\r\n", method, path, host, port,
                body == null ? "" : "Content-Type: application/json\r\n", content.length);
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[headBytes.length + content.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(content, 0, request, headBytes.length, content.length);
        return request;
    }

    /** Queues a request for the next free connection. */
    void send(byte[] request, Answer answer) {
        jobs.add(new Job(request, answer));
    }

    private void serve() {
        Socket socket = null;
        InputStream in = null;
        try {
            while (true) {
                Job job = jobs.take();
                if (job == STOP) {
                    return;
                }
                try {
                    if (socket == null) {
                        socket = new Socket();
                        socket.setTcpNoDelay(true);
                        socket.connect(new InetSocketAddress(host, port), 5000);
                        // one request at a time on a connection: nothing past an answer is ever read ahead
                        in = new BufferedInputStream(socket.getInputStream(), 16384);
                    }
                    OutputStream out = socket.getOutputStream();
                    out.write(job.request);
                    out.flush();
                    Response response = read(in);
                    if (response.close) {
                        socket.close();
                        socket = null;
                    }
                    job.answer.done(response.status, response.firstLine, null);
                } catch (IOException e) {
                    close(socket);
                    socket = null;
                    job.answer.done(0, null, e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close(socket);
        }
    }

    private record Response(int status, String firstLine, boolean close) {
    }

    /** Reads one answer whole: status line, headers, and the body they announce. */
    private static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP answer: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        StringBuilder first = new StringBuilder();
        if (chunked) {
            for (long size = Long.parseLong(line(in).split(";")[0].trim(), 16); size > 0;
                    size = Long.parseLong(line(in).split(";")[0].trim(), 16)) {
                body(in, size, first);
                line(in); // the CRLF after the chunk
            }
            while (!line(in).isEmpty()) {
                // trailers
            }
        } else if (length >= 0) {
            body(in, length, first);
        } else {
            throw new IOException("an answer of no announced length");
        }
        return new Response(status, status >= 300 ? statusLine + " " + first : statusLine, close);
    }

    /** Reads {@code size} bytes, keeping the first 200 characters of an answer (an error's message). */
    private static void body(InputStream in, long size, StringBuilder first) throws IOException {
        byte[] buffer = new byte[8192];
        while (size > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, size));
            if (read < 0) {
                throw new IOException("the answer ended early");
            }
            if (first.length() < 200) {
                first.append(new String(buffer, 0, Math.min(read, 200 - first.length()), StandardCharsets.UTF_8));
            }
            size -= read;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection ended mid-answer");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static void close(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing: nothing to do
            }
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < connections.size(); i++) {
            jobs.add(STOP);
        }
    }
}
