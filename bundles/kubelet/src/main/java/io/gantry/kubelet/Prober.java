package io.gantry.kubelet;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ContainerPort;
import io.gantry.api.meta.v1.IntOrString;
import io.gantry.api.core.v1.Probe;
import io.gantry.api.runtime.ContainerRuntime;
import io.gantry.api.runtime.ExecResult;
import java.io.IOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
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

    /**
     * The result of one check.
     *
     * @param output why it failed, worded as the Kubernetes prober words it ("HTTP probe failed
     *               with statuscode: 500"), or the command's output for exec; empty on success
     */
    record Result(boolean ok, String output) {

        static final Result SUCCESS = new Result(true, "");

        static Result failure(String output) {
            return new Result(false, output);
        }
    }

    static Result check(Probe probe, Container container, String containerId, String podIp, ContainerRuntime runtime) {
        Duration timeout = Duration.ofSeconds(ProbeTimings.timeoutSeconds(probe));
        if (probe.exec != null) {
            try {
                ExecResult result = runtime.exec(containerId, probe.exec.command, timeout);
                if (result.timedOut()) {
                    return Result.failure("command \"" + String.join(" ", probe.exec.command) + "\" timed out");
                }
                return result.exitCode() == 0 ? Result.SUCCESS
                        : Result.failure(result.output() == null ? "" : result.output());
            } catch (RuntimeException e) {
                return Result.failure(String.valueOf(e.getMessage()));
            }
        }
        if (probe.httpGet != null) {
            URI uri;
            try {
                uri = uri(probe.httpGet, container, podIp);
            } catch (RuntimeException e) {
                return Result.failure(String.valueOf(e.getMessage()));
            }
            try {
                int status = httpGet(uri, probe.httpGet, timeout);
                return status < 400 ? Result.SUCCESS : Result.failure("HTTP probe failed with statuscode: " + status);
            } catch (IOException e) {
                return Result.failure("Get \"" + uri + "\": " + failure(e, uri.getHost() + ":" + uri.getPort()));
            }
        }
        if (probe.tcpSocket != null) {
            String host = probe.tcpSocket.host == null || probe.tcpSocket.host.isEmpty() ? podIp : probe.tcpSocket.host;
            int port;
            try {
                port = port(probe.tcpSocket.port, container);
            } catch (RuntimeException e) {
                return Result.failure(String.valueOf(e.getMessage()));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                // Docker's port proxy accepts for the pod even when nothing listens in it, and then
                // closes at once: a connection that ends before a short wait is no listener.
                socket.setSoTimeout((int) Math.min(200, timeout.toMillis()));
                try {
                    return socket.getInputStream().read() >= 0 ? Result.SUCCESS
                            : Result.failure(refused(host + ":" + port));
                } catch (SocketTimeoutException quiet) {
                    return Result.SUCCESS;
                }
            } catch (IOException e) {
                return Result.failure(failure(e, host + ":" + port));
            }
        }
        return Result.SUCCESS;
    }

    /** A failed connection as Go's net package words it, which is what operators know from Kubernetes. */
    private static String failure(IOException e, String address) {
        if (e instanceof ConnectException) {
            return refused(address);
        }
        if (e instanceof SocketTimeoutException) {
            return e.getMessage() != null && e.getMessage().contains("connect")
                    ? "dial tcp " + address + ": i/o timeout"
                    : "context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
        }
        if ("Unexpected end of file from server".equals(e.getMessage())) {
            return "EOF"; // Go's word for a server that hung up before answering
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String refused(String address) {
        return "dial tcp " + address + ": connect: connection refused";
    }

    /** Runs an httpGet action (probe or preStop hook); returns the status code. */
    static int httpGet(Probe.HTTPGetAction action, Container container, String podIp, Duration timeout) throws IOException {
        return httpGet(uri(action, container, podIp), action, timeout);
    }

    private static URI uri(Probe.HTTPGetAction action, Container container, String podIp) {
        String host = action.host == null || action.host.isEmpty() ? podIp : action.host;
        String scheme = action.scheme == null ? "http" : action.scheme.toLowerCase();
        String path = action.path == null || action.path.isEmpty() ? "/" : action.path.startsWith("/") ? action.path : "/" + action.path;
        return URI.create(scheme + "://" + host + ":" + port(action.port, container) + path);
    }

    private static int httpGet(URI uri, Probe.HTTPGetAction action, Duration timeout) throws IOException {
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
