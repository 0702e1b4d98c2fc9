package io.gantry.kubelet;

import io.gantry.api.core.v1.Pod;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /portForward/NAMESPACE/POD} upgraded to SPDY/3.1 with protocol
 * {@code portforward.k8s.io}, as {@code kubectl port-forward} speaks it: for each local
 * connection the client opens an error stream and a data stream with the same {@code requestID}
 * and the pod's {@code port}; the kubelet connects to that port on the pod's IP and copies bytes
 * both ways until either side closes, and writes a failure to connect on the error stream.
 *
 * <p>Ports are reached on the pod's IP, where the docker runtime publishes a pod's declared
 * container ports; a port the pod does not publish answers with the error kubectl prints.
 * kubectl 1.31 and newer first try SPDY tunnelled in a WebSocket; that is refused here, and they
 * fall back to plain SPDY.
 */
final class PortForward implements KubeletServer.Handler {

    static final String PROTOCOL = "portforward.k8s.io";
    private static final Logger LOG = LoggerFactory.getLogger(PortForward.class);
    private static final int CONNECT_MILLIS = 5_000;

    private final BiFunction<String, String, Optional<Pod>> pods;

    PortForward(BiFunction<String, String, Optional<Pod>> pods) {
        this.pods = pods;
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
        Optional<Pod> pod = pods.apply(namespace, name);
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
        String uid = pod.get().metadata.uid;
        SpdySession session = new SpdySession(connection.getInputStream(), out);
        Map<String, SpdySession.Stream> errorStreams = new ConcurrentHashMap<>();
        session.run(stream -> {
            String type = stream.header("streamtype");
            String requestId = String.valueOf(stream.header("requestid"));
            if ("error".equals(type)) {
                errorStreams.put(requestId, stream);
            } else if ("data".equals(type)) {
                Thread copier = new Thread(() -> forward(session, stream, errorStreams.remove(requestId), podIP,
                        name, uid), "gantry-kubelet-port-forward");
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
    private static void forward(SpdySession session, SpdySession.Stream data, SpdySession.Stream error, String podIP,
                                String podName, String uid) {
        String port = data.header("port");
        try (Socket target = new Socket()) {
            try {
                target.connect(new InetSocketAddress(podIP, Integer.parseInt(String.valueOf(port))), CONNECT_MILLIS);
            } catch (IOException | NumberFormatException e) {
                if (error != null) {
                    // the words of the kubelet's own failure, which kubectl prints
                    error.output().write(("error forwarding port " + port + " to pod " + podName + ", uid " + uid
                            + ": dial tcp " + podIP + ":" + port + ": " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
                    error.finish();
                }
                data.finish();
                return;
            }
            Thread upstream = new Thread(() -> {
                try (InputStream fromClient = data.input()) {
                    fromClient.transferTo(target.getOutputStream());
                    target.shutdownOutput();
                } catch (IOException e) {
                    LOG.debug("Port-forward: the client's side ended: {}", e.getMessage());
                }
            }, "gantry-kubelet-port-forward-in");
            upstream.setDaemon(true);
            upstream.start();
            try (OutputStream toClient = data.output()) {
                target.getInputStream().transferTo(toClient);
            }
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
}
