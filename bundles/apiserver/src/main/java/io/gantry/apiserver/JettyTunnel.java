package io.gantry.apiserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import javax.servlet.http.HttpServletRequest;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.FutureCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a 101 answer, turns the client's Jetty connection into a byte pipe to a kubelet's
 * already upgraded socket, as kube-apiserver's upgrade-aware proxy does: WebSocket frames pass
 * unchanged both ways (the client's stay masked, the kubelet's unmasked, as each side expects).
 *
 * <p>Jetty 9.4 (the servlet container of the tests and of Pax Web 8) replaces a connection whose
 * response is 101 with the one set as {@link HttpConnection#UPGRADE_CONNECTION_ATTRIBUTE}; this
 * class is the only one that knows Jetty.
 */
final class JettyTunnel extends AbstractConnection implements Connection.UpgradeTo {

    private static final Logger LOG = LoggerFactory.getLogger(JettyTunnel.class);

    private final Socket kubelet;
    private final OutputStream toKubelet;
    private final ByteBuffer buffer = BufferUtil.allocate(8192);

    private JettyTunnel(EndPoint endPoint, Executor executor, Socket kubelet) throws IOException {
        super(endPoint, executor);
        this.kubelet = kubelet;
        this.toKubelet = kubelet.getOutputStream();
    }

    /**
     * Arranges that the client's connection becomes a pipe to the kubelet once the servlet's 101
     * answer is sent; false when the request is not served by Jetty's HTTP/1.1 connection.
     */
    static boolean prepare(HttpServletRequest request, Socket kubelet) throws IOException {
        HttpConnection connection = HttpConnection.getCurrentConnection();
        if (connection == null) {
            return false;
        }
        request.setAttribute(HttpConnection.UPGRADE_CONNECTION_ATTRIBUTE,
                new JettyTunnel(connection.getEndPoint(), connection.getConnector().getExecutor(), kubelet));
        return true;
    }

    @Override
    public void onUpgradeTo(ByteBuffer prefilled) {
        if (BufferUtil.hasContent(prefilled)) {
            try {
                toKubelet.write(BufferUtil.toArray(prefilled)); // what the client sent right behind its request
                toKubelet.flush();
            } catch (IOException e) {
                close();
            }
        }
    }

    @Override
    public void onOpen() {
        super.onOpen();
        fillInterested();
        Thread fromKubelet = new Thread(this::relayFromKubelet, "gantry-exec-tunnel");
        fromKubelet.setDaemon(true);
        fromKubelet.start();
    }

    /** The client sent bytes: on to the kubelet, in this (Jetty's) thread. */
    @Override
    public void onFillable() {
        try {
            while (true) {
                BufferUtil.clear(buffer);
                int read = getEndPoint().fill(buffer);
                if (read > 0) {
                    toKubelet.write(BufferUtil.toArray(buffer));
                    toKubelet.flush();
                } else if (read == 0) {
                    fillInterested();
                    return;
                } else {
                    kubelet.shutdownOutput(); // the client is done sending
                    return;
                }
            }
        } catch (IOException e) {
            LOG.debug("Exec tunnel to the kubelet: {}", e.getMessage());
            close();
        }
    }

    /** What the kubelet sends goes to the client until either side ends. */
    private void relayFromKubelet() {
        try (InputStream in = kubelet.getInputStream()) {
            byte[] bytes = new byte[8192];
            for (int read = in.read(bytes); read >= 0; read = in.read(bytes)) {
                FutureCallback written = new FutureCallback();
                getEndPoint().write(written, ByteBuffer.wrap(bytes, 0, read));
                written.get();
            }
        } catch (IOException | ExecutionException e) {
            LOG.debug("Exec tunnel from the kubelet: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close();
        }
    }

    @Override
    public void onClose() {
        try {
            kubelet.close();
        } catch (IOException e) {
            LOG.debug("Closing the exec tunnel: {}", e.getMessage());
        }
        super.onClose();
    }

    /** An idle session is kept: kubectl pings every few seconds, and a quiet command is no reason to cut it. */
    @Override
    protected boolean onReadTimeout(Throwable timeout) {
        return false;
    }
}
