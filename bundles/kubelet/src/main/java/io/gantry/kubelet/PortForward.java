package io.gantry.kubelet;

import io.gantry.api.core.v1.Pod;
import io.gantry.api.runtime.ContainerRuntime;
import io.gantry.api.runtime.PortConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /portForward/NAMESPACE/POD} upgraded to SPDY/3.1 with protocol
 * {@code portforward.k8s.io}, as {@code kubectl port-forward} speaks it: for each local
 * connection the client opens an error stream and a data stream with the same {@code requestID}
 * and the pod's {@code port}; the kubelet connects to that port and copies bytes both ways until
 * either side closes, and writes a failure to connect on the error stream.
 *
 * <p>A port is reached on the pod's IP, where the docker runtime publishes a pod's declared
 * container ports; any other port, as in Kubernetes, inside the pod's network namespace through
 * its runtime ({@link ContainerRuntime#connect}). A port nothing listens on answers with the error
 * kubectl prints. kubectl 1.31 and newer first try SPDY tunnelled in a WebSocket; that is refused
 * here, and they fall back to plain SPDY.
 */
final class PortForward implements KubeletServer.Handler {

    static final String PROTOCOL = "portforward.k8s.io";
    private static final Logger LOG = LoggerFactory.getLogger(PortForward.class);
    private static final int CONNECT_MILLIS = 5_000;

    private final NodeContainers containers;

    PortForward(NodeContainers containers) {
        this.containers = containers;
    }

    @Override
    public void handle(KubeletServer.Request request, java.net.Socket connection) throws IOException {
        OutputStream out = connection.getOutputStream();
        Map<String, String> headers = request.headers();
        if (!"SPDY/3.1".equalsIgnoreCase(headers.get("upgrade"))) {
            KubeletServer.error(out, 400, "port-forward is served over SPDY/3.1 (Upgrade: SPDY/3.1); "
                    + "WebSocket port-forward is not served by this build");
            return;
        }
        if (!SpdySession.values(headers.get("x-stream-protocol-version")).contains(PROTOCOL)) {
            KubeletServer.error(out, 400, "none of the offered protocols is served: "
                    + headers.getOrDefault("x-stream-protocol-version", "none") + " (served: " + PROTOCOL + ")");
            return;
        }
        if (request.path().size() != 2) {
            KubeletServer.error(out, 400, "expected /portForward/NAMESPACE/POD");
            return;
        }
        String namespace = request.path().get(0);
        String name = request.path().get(1);
        Optional<Pod> pod = containers.pod(namespace, name);
        if (pod.isEmpty()) {
            KubeletServer.error(out, 404, "pod " + namespace + "/" + name + " is not on this node");
            return;
        }
        String podIP = pod.get().status == null ? null : pod.get().status.podIP;
        if (podIP == null || podIP.isEmpty()) {
            KubeletServer.error(out, 400, "pod " + namespace + "/" + name + " has no IP yet");
            return;
        }
        out.write(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                + "X-Stream-Protocol-Version: " + PROTOCOL + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        Pod found = pod.get();
        SpdySession session = new SpdySession(connection.getInputStream(), out);
        Map<String, SpdySession.Stream> errorStreams = new ConcurrentHashMap<>();
        session.run(stream -> {
            String type = stream.header("streamtype");
            String requestId = String.valueOf(stream.header("requestid"));
            if ("error".equals(type)) {
                errorStreams.put(requestId, stream);
            } else if ("data".equals(type)) {
                Thread copier = new Thread(() -> forward(stream, errorStreams.remove(requestId), found, podIP),
                        "gantry-kubelet-port-forward");
                copier.setDaemon(true);
                copier.start();
            } else {
                try {
                    session.reset(stream);
                } catch (IOException e) {
                    LOG.debug("Port-forward: cannot refuse a stream of type {}: {}", type, e.getMessage());
                }
            }
        });
    }

    /** One forwarded connection: the data stream to the pod's port and back. */
    private void forward(SpdySession.Stream data, SpdySession.Stream error, Pod pod, String podIP) {
        String port = String.valueOf(data.header("port"));
        PortConnection target;
        try {
            target = connect(pod, podIP, Integer.parseInt(port));
        } catch (IOException | RuntimeException e) {
            fail(data, error, pod, port, "dial tcp " + podIP + ":" + port + ": " + e.getMessage());
            return;
        }
        try (target) {
            Thread upstream = new Thread(() -> {
                try (InputStream fromClient = data.input(); OutputStream toPort = target.output()) {
                    fromClient.transferTo(toPort);
                } catch (IOException e) {
                    LOG.debug("Port-forward: the client's side ended: {}", e.getMessage());
                }
            }, "gantry-kubelet-port-forward-in");
            upstream.setDaemon(true);
            upstream.start();
            target.input().transferTo(data.output());
            String failure = target.awaitFailure();
            if (failure != null) {
                fail(data, error, pod, port, failure); // nothing listens there: the error first, as kubectl expects
                return;
            }
            data.finish();
            if (error != null) {
                error.finish();
            }
            upstream.join(CONNECT_MILLIS);
        } catch (IOException e) {
            LOG.debug("Port-forward to {}:{} ended: {}", podIP, port, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A connection to the port: on the pod's IP where something answers there (a published
     * port), else inside the pod's network namespace.
     */
    private PortConnection connect(Pod pod, String podIP, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(podIP, port), CONNECT_MILLIS);
            return new SocketConnection(socket);
        } catch (ConnectException refused) {
            socket.close();
            Optional<NodeContainers.Sandbox> sandbox = containers.sandbox(pod);
            if (sandbox.isEmpty()) {
                throw refused;
            }
            try {
                return sandbox.get().runtime().connect(sandbox.get().sandbox().id(), port);
            } catch (UnsupportedOperationException unsupported) {
                throw refused; // every port of such a runtime's pods is on the pod IP
            }
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Writes why the connection failed where kubectl prints it, in the words of the kubelet's own failure. */
    private static void fail(SpdySession.Stream data, SpdySession.Stream error, Pod pod, String port, String why) {
        try {
            if (error != null) {
                error.output().write(("error forwarding port " + port + " to pod " + pod.metadata.name + ", uid "
                        + pod.metadata.uid + ": " + why).getBytes(StandardCharsets.UTF_8));
                error.finish();
            }
            data.finish();
        } catch (IOException e) {
            LOG.debug("Port-forward: cannot report a failure to the client: {}", e.getMessage());
        }
    }

    /** A TCP connection to the pod's IP. */
    private record SocketConnection(Socket socket) implements PortConnection {

        @Override
        public InputStream input() {
            try {
                return socket.getInputStream();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public OutputStream output() {
            try {
                // closing it ends the port's input, not the whole connection
                OutputStream out = socket.getOutputStream();
                return new java.io.FilterOutputStream(out) {
                    @Override
                    public void write(byte[] bytes, int offset, int length) throws IOException {
                        out.write(bytes, offset, length);
                    }

                    @Override
                    public void close() throws IOException {
                        flush();
                        socket.shutdownOutput();
                    }
                };
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public String awaitFailure() {
            return null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
