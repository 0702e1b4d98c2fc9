package io.gantry.apiserver;

import io.gantry.api.client.ApiException;
import io.gantry.api.meta.v1.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * {@code .../pods/NAME/exec}, {@code .../pods/NAME/attach} and {@code .../pods/NAME/portforward}:
 * the client upgrades the request, to a WebSocket with a Kubernetes channel protocol (kubectl exec
 * and attach ≥ 1.30) or to SPDY/3.1 (kubectl port-forward, and exec and attach before 1.30); this
 * proxy upgrades a connection to the kubelet of the pod's node ({@code /exec/NS/POD/CONTAINER},
 * {@code /attach/NS/POD/CONTAINER} or {@code /portForward/NS/POD} on its daemon
 * endpoint) the same way, with the client's key and protocols, answers the client with the
 * kubelet's 101, and from then on passes bytes both ways ({@link JettyTunnel}), as
 * kube-apiserver's upgrade-aware proxy does. The kubelet speaks the streaming protocol.
 */
final class PodExecProxy {

    private static final List<String> PASSED = List.of("command", "stdin", "stdout", "stderr", "tty");
    private static final int CONNECT_MILLIS = 5_000;
    private static final int HANDSHAKE_MILLIS = 30_000;

    private final KubeletLocator kubelets;

    PodExecProxy(KubeletLocator kubelets) {
        this.kubelets = kubelets;
    }

    void serve(String namespace, String name, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        String[] commands = request.getParameterValues("command");
        if (commands == null || commands.length == 0) {
            throw ApiException.badRequest("you must specify at least 1 command");
        }
        KubeletLocator.Location location = kubelets.locate(namespace, name, request.getParameter("container"));
        String waiting = KubeletLocator.waiting(location.pod(), name, location.container());
        if (waiting != null) {
            throw ApiException.badRequest(waiting);
        }
        tunnel(request, response, location, path("/exec/", namespace, name, location.container(), request), "exec");
    }

    /**
     * {@code pods/NAME/attach}: as exec, without a command; the kubelet's {@code /attach/NS/POD/CONTAINER}
     * connects the client to the container's main process.
     */
    void serveAttach(String namespace, String name, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        KubeletLocator.Location location = kubelets.locate(namespace, name, request.getParameter("container"));
        String waiting = KubeletLocator.waiting(location.pod(), name, location.container());
        if (waiting != null) {
            throw ApiException.badRequest(waiting);
        }
        tunnel(request, response, location, path("/attach/", namespace, name, location.container(), request),
                "attach");
    }

    /** {@code pods/NAME/portforward}: the pod must run; the kubelet connects to its ports. */
    void servePortForward(String namespace, String name, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        KubeletLocator.Location location = kubelets.locate(namespace, name);
        String ports = request.getParameter("ports");
        tunnel(request, response, location, "/portForward/" + encode(namespace) + "/" + encode(name)
                + (ports == null ? "" : "?ports=" + encode(ports)), "port-forward");
    }

    private void tunnel(HttpServletRequest request, HttpServletResponse response, KubeletLocator.Location location,
                        String kubeletPath, String what) throws IOException {
        String key = request.getHeader("Sec-WebSocket-Key");
        boolean websocket = "websocket".equalsIgnoreCase(request.getHeader("Upgrade")) && key != null;
        boolean spdy = "SPDY/3.1".equalsIgnoreCase(request.getHeader("Upgrade"));
        if (!websocket && !spdy) {
            throw ApiException.badRequest("Upgrade request required");
        }
        Socket kubelet = new Socket();
        boolean handedOver = false;
        try {
            try {
                kubelet.connect(new InetSocketAddress(location.host(), location.port()), CONNECT_MILLIS);
                kubelet.setSoTimeout(HANDSHAKE_MILLIS);
            } catch (IOException e) {
                throw KubeletLocator.unavailable("the kubelet of node " + location.node() + " does not answer at "
                        + location.host() + ":" + location.port() + ": " + e.getMessage());
            }
            String upgrade = websocket
                    ? "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                            + "Sec-WebSocket-Key: " + key + "\r\n"
                            + "Sec-WebSocket-Protocol: " + String.join(", ", headers(request, "Sec-WebSocket-Protocol"))
                            + "\r\n"
                    : "Upgrade: SPDY/3.1\r\nConnection: Upgrade\r\n"
                            + "X-Stream-Protocol-Version: " + String.join(", ", headers(request, "X-Stream-Protocol-Version"))
                            + "\r\n";
            OutputStream out = kubelet.getOutputStream();
            out.write(("POST " + kubeletPath + " HTTP/1.1\r\n"
                    + "Host: " + location.host() + ":" + location.port() + "\r\n" + upgrade + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = kubelet.getInputStream();
            Head head = Head.read(in);
            if (head.code != 101) {
                throw refused(head, in);
            }
            kubelet.setSoTimeout(0);
            if (!JettyTunnel.prepare(request, kubelet)) {
                throw new ApiException(Status.failure(501, "NotImplemented",
                        "this HTTP server cannot hand a connection over; " + what + " needs Jetty (Pax Web)"));
            }
            handedOver = true;
            response.setStatus(101);
            response.setHeader("Connection", "Upgrade");
            if (websocket) {
                response.setHeader("Upgrade", "websocket");
                response.setHeader("Sec-WebSocket-Accept", head.headers.get("sec-websocket-accept"));
                response.setHeader("Sec-WebSocket-Protocol", head.headers.get("sec-websocket-protocol"));
            } else {
                response.setHeader("Upgrade", "SPDY/3.1");
                response.setHeader("X-Stream-Protocol-Version", head.headers.get("x-stream-protocol-version"));
            }
        } catch (NoClassDefFoundError e) {
            throw new ApiException(Status.failure(501, "NotImplemented",
                    what + " needs the Jetty HTTP server (Pax Web), which is not installed"));
        } finally {
            if (!handedOver) {
                kubelet.close();
            }
        }
    }

    /** Every value of a header the client sent, however many times. */
    private static List<String> headers(HttpServletRequest request, String name) {
        List<String> values = new java.util.ArrayList<>();
        for (var all = request.getHeaders(name); all != null && all.hasMoreElements(); ) {
            values.add(all.nextElement());
        }
        return values;
    }

    private static String path(String operation, String namespace, String name, String container,
                               HttpServletRequest request) {
        StringBuilder path = new StringBuilder(operation).append(encode(namespace)).append('/').append(encode(name))
                .append('/').append(encode(container));
        char separator = '?';
        for (String parameter : PASSED) {
            String[] values = request.getParameterValues(parameter);
            if (values != null) {
                for (String value : values) {
                    path.append(separator).append(parameter).append('=').append(encode(value));
                    separator = '&';
                }
            }
        }
        return path.toString();
    }

    /** The kubelet's refusal (plain text) as a Status with its code and words. */
    private static ApiException refused(Head head, InputStream in) throws IOException {
        int length = (int) Math.min(64 * 1024, Long.parseLong(head.headers.getOrDefault("content-length", "0")));
        String message = new String(in.readNBytes(length), StandardCharsets.UTF_8).trim();
        return switch (head.code) {
            case 400 -> ApiException.badRequest(message);
            case 404 -> new ApiException(Status.failure(404, "NotFound", message));
            default -> KubeletLocator.unavailable("the kubelet answered " + head.code + ": " + message);
        };
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The status line and headers of the kubelet's answer, read byte by byte so nothing after them is consumed. */
    private record Head(int code, Map<String, String> headers) {

        static Head read(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int last4 = 0;
            while (last4 != 0x0d0a0d0a) {
                int b = in.read();
                if (b < 0 || bytes.size() > 16 * 1024) {
                    throw KubeletLocator.unavailable("the kubelet ended its answer early");
                }
                bytes.write(b);
                last4 = (last4 << 8) | b;
            }
            String[] lines = bytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            String[] status = lines[0].split(" ");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
            }
            try {
                return new Head(Integer.parseInt(status[1]), headers);
            } catch (RuntimeException e) {
                throw KubeletLocator.unavailable("the kubelet's answer is not HTTP: " + lines[0]);
            }
        }
    }
}
