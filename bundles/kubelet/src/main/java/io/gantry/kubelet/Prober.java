package io.gantry.kubelet;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ContainerPort;
import io.gantry.api.meta.v1.IntOrString;
import io.gantry.api.core.v1.Probe;
import io.gantry.api.runtime.ContainerRuntime;
import io.gantry.api.runtime.ExecResult;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;

/**
 * Runs one check of a probe, as the Kubernetes prober does: exec succeeds on exit code 0,
 * httpGet on a status from 200 to 399, tcpSocket when a connection opens; anything slower than
 * {@code timeoutSeconds} fails. The pod is reached at its pod IP, where the kubelet publishes
 * each probed port.
 */
final class Prober {

    private Prober() {
    }

    static boolean check(Probe probe, Container container, String containerId, String podIp, ContainerRuntime runtime) {
        Duration timeout = Duration.ofSeconds(ProbeTimings.timeoutSeconds(probe));
        try {
            if (probe.exec != null) {
                ExecResult result = runtime.exec(containerId, probe.exec.command, timeout);
                return !result.timedOut() && result.exitCode() == 0;
            }
            if (probe.httpGet != null) {
                return httpGet(probe.httpGet, container, podIp, timeout) < 400;
            }
            if (probe.tcpSocket != null) {
                String host = probe.tcpSocket.host == null || probe.tcpSocket.host.isEmpty() ? podIp : probe.tcpSocket.host;
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(host, port(probe.tcpSocket.port, container)), (int) timeout.toMillis());
                    // Docker's port proxy accepts for the pod even when nothing listens in it, and then
                    // closes at once: a connection that ends before a short wait is no listener.
                    socket.setSoTimeout((int) Math.min(200, timeout.toMillis()));
                    try {
                        return socket.getInputStream().read() >= 0;
                    } catch (java.net.SocketTimeoutException quiet) {
                        return true;
                    }
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Runs an httpGet action (probe or preStop hook); returns the status code. */
    static int httpGet(Probe.HTTPGetAction action, Container container, String podIp, Duration timeout) throws IOException {
        String host = action.host == null || action.host.isEmpty() ? podIp : action.host;
        String scheme = action.scheme == null ? "http" : action.scheme.toLowerCase();
        String path = action.path == null || action.path.isEmpty() ? "/" : action.path.startsWith("/") ? action.path : "/" + action.path;
        URI uri = URI.create(scheme + "://" + host + ":" + port(action.port, container) + path);
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection(java.net.Proxy.NO_PROXY);
        connection.setConnectTimeout((int) timeout.toMillis());
        connection.setReadTimeout((int) timeout.toMillis());
        connection.setInstanceFollowRedirects(false);
        connection.setRequestProperty("User-Agent", "kube-probe/1.32");
        if (action.httpHeaders != null) {
            for (Probe.HTTPHeader header : action.httpHeaders) {
                connection.setRequestProperty(header.name, header.value);
            }
        }
        try {
            return connection.getResponseCode();
        } finally {
            connection.disconnect();
        }
    }

    /** A port number, or the number of the container's port of that name. */
    static int port(IntOrString port, Container container) {
        if (port == null) {
            throw new IllegalArgumentException("no port");
        }
        if (port.isInt()) {
            return port.intValue();
        }
        if (container.ports != null) {
            for (ContainerPort candidate : container.ports) {
                if (port.stringValue().equals(candidate.name)) {
                    return candidate.containerPort;
                }
            }
        }
        try {
            return Integer.parseInt(port.stringValue());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("no port named " + port + " in container " + container.name);
        }
    }
}
