package io.gantry.kubelet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's own HTTP endpoint (the real kubelet's :10250), published in the Node's
 * {@code status.daemonEndpoints}: the API server reaches container logs and exec through it.
 *
 * <p>Plain HTTP/1.1 on a server socket of its own, one request per connection: the JDK's
 * {@code com.sun.net.httpserver} is not exported by Karaf's system bundle, a servlet container
 * is not on every node, and the raw connection is what a streaming log or an upgraded exec needs
 * anyway. Its only client is the API server.
 */
final class KubeletServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubeletServer.class);
    private static final int MAX_HEAD = 16 * 1024;

    /** Answers the requests whose path starts with one segment. */
    interface Handler {
        void handle(Request request, Socket connection) throws IOException;
    }

    /**
     * One request's head.
     *
     * @param path    the path's segments after the first, decoded
     * @param values  every value of each query parameter, decoded, in order
     * @param headers by lower-case name; a header given several times as one comma-separated value
     */
    record Request(String method, List<String> path, Map<String, List<String>> values, Map<String, String> headers) {

        /** The first value of each query parameter. */
        Map<String, String> query() {
            Map<String, String> first = new LinkedHashMap<>();
            values.forEach((name, all) -> first.put(name, all.get(0)));
            return first;
        }
    }

    private final ServerSocket socket;
    private final Map<String, Handler> handlers;
    private final ExecutorService connections;

    /**
     * Listens on the address and port (0: a free one).
     *
     * @param handlers by the path's first segment ({@code containerLogs})
     */
    KubeletServer(String address, int port, Map<String, Handler> handlers) throws IOException {
        this.handlers = Map.copyOf(handlers);
        this.socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        this.connections = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "gantry-kubelet-server");
            thread.setDaemon(true);
            return thread;
        });
        connections.execute(this::accept);
    }

    /** The port listened on. */
    int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("Closing the kubelet endpoint: {}", e.getMessage());
        }
        connections.shutdownNow(); // interrupts streams in progress: followers see their log end
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                connections.execute(() -> serve(connection));
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    LOG.warn("Kubelet endpoint: {}", e.getMessage());
                }
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            Request request = read(connection.getInputStream());
            if (request == null) {
                return;
            }
            Handler handler = request.path().isEmpty() ? null : handlers.get(request.path().get(0));
            if (handler == null) {
                error(connection.getOutputStream(), 404, "404 page not found");
                return;
            }
            handler.handle(new Request(request.method(), request.path().subList(1, request.path().size()),
                    request.values(), request.headers()), connection);
        } catch (SocketException e) {
            LOG.debug("Kubelet endpoint: the client went away: {}", e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.warn("Kubelet endpoint: a request failed", e);
        }
    }

    /** Reads a request's head; null when the connection ended first. */
    static Request read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) { // the blank line that ends the head
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            last4 = (last4 << 8) | b;
            if (head.size() > MAX_HEAD) {
                throw new IOException("request head over " + MAX_HEAD + " bytes");
            }
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length < 2) {
            throw new IOException("not an HTTP request: " + lines[0]);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                // a header given twice is one list, as HTTP has it (X-Stream-Protocol-Version comes so)
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
                        (first, next) -> first + ", " + next);
            }
        }
        String target = requestLine[1];
        int question = target.indexOf('?');
        List<String> path = new ArrayList<>();
        for (String segment : (question < 0 ? target : target.substring(0, question)).split("/")) {
            if (!segment.isEmpty()) {
                path.add(URLDecoder.decode(segment, StandardCharsets.UTF_8));
            }
        }
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (question >= 0) {
            for (String pair : target.substring(question + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                query.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            }
        }
        return new Request(requestLine[0], List.copyOf(path), query, headers);
    }

    /** Starts an answer whose body runs until the connection closes. */
    static void head(OutputStream out, int code, String reason, String contentType) throws IOException {
        out.write(("HTTP/1.1 " + code + " " + reason + "\r\nContent-Type: " + contentType
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** A whole error answer: the message as plain text, which the API server puts into a Status. */
    static void error(OutputStream out, int code, String message) throws IOException {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        String reason = switch (code) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            default -> "Error";
        };
        out.write(("HTTP/1.1 " + code + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }
}
