package io.gantry.proxy;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied TCP connection: the client's socket, a non-blocking connect to the backend the
 * service port picks (another one if that one refuses, until none is left), then bytes relayed
 * both ways with half-close passed on. Reads go through the loop's shared buffer; only what a
 * peer cannot take at once is copied aside, and reading from the other side waits until it is
 * written (backpressure without a buffer per idle connection).
 */
final class TcpConnection {

    private static final Logger LOG = LoggerFactory.getLogger(TcpConnection.class);
    /**
     * How long an endpoint may leave a connect unanswered before the next one is tried: an
     * endpoint that drops SYNs (its accept queue full, its host gone) would otherwise hold the
     * client for the kernel's minutes of SYN retries.
     */
    static final long CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final EventLoop loop;
    private final ServicePortState port;
    private final SocketChannel client;
    private final String clientIp;
    private final Set<BackendRef> refused = new HashSet<>(2);
    private SocketChannel backend;
    private BackendRef target;
    private SelectionKey clientKey;
    private SelectionKey backendKey;
    private final Pipe up = new Pipe();
    private final Pipe down = new Pipe();
    private boolean closed;
    private long connectStarted;

    /** One direction of the relay. */
    private static final class Pipe {
        ByteBuffer pending;
        boolean eof;
    }

    TcpConnection(EventLoop loop, ServicePortState port, SocketChannel client, String clientIp) {
        this.loop = loop;
        this.port = port;
        this.client = client;
        this.clientIp = clientIp;
    }

    void start() {
        connectNext();
    }

    private void connectNext() {
        target = port.pick(clientIp, refused);
        if (target == null) {
            if (!refused.isEmpty()) {
                LOG.debug("{}: every ready endpoint refused a connection from {}", port, clientIp);
            }
            close();
            return;
        }
        target.active.incrementAndGet();
        try {
            backend = SocketChannel.open();
            backend.configureBlocking(false);
            backend.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (backend.connect(target.address)) {
                connected();
            } else {
                backendKey = backend.register(loop.selector(), SelectionKey.OP_CONNECT, new Side(false));
                connectStarted = System.nanoTime();
                loop.connecting.add(this);
            }
        } catch (IOException e) {
            refusedBy(e);
        }
    }

    /** Called by the loop about once a second while this connection connects. */
    void checkConnect(long now) {
        if (now - connectStarted >= CONNECT_TIMEOUT_NANOS) {
            refusedBy(new IOException("no answer to connect in " + TimeUnit.NANOSECONDS.toSeconds(CONNECT_TIMEOUT_NANOS) + " s"));
        }
    }

    private void refusedBy(IOException e) {
        loop.connecting.remove(this);
        LOG.debug("{}: {} refused a connection ({}); trying another endpoint", port, target, e.toString());
        target.active.decrementAndGet();
        port.refused(clientIp, target);
        refused.add(target);
        target = null;
        quietClose(backend);
        backend = null;
        backendKey = null;
        connectNext();
    }

    private void connected() throws IOException {
        loop.connecting.remove(this);
        if (backendKey == null) {
            backendKey = backend.register(loop.selector(), SelectionKey.OP_READ, new Side(false));
        } else {
            backendKey.interestOps(SelectionKey.OP_READ);
        }
        clientKey = client.register(loop.selector(), SelectionKey.OP_READ, new Side(true));
    }

    /** A selection key's attachment: which socket of the connection it is. */
    private final class Side implements EventLoop.Handler {
        private final boolean isClient;

        Side(boolean isClient) {
            this.isClient = isClient;
        }

        @Override
        public void ready(SelectionKey key) throws IOException {
            if (key.isConnectable()) {
                try {
                    backend.finishConnect();
                } catch (IOException e) {
                    refusedBy(e);
                    return;
                }
                connected();
                return;
            }
            if (key.isWritable()) {
                // this socket takes what the other side's pipe holds
                flush(isClient ? down : up, isClient ? client : backend);
            }
            if (!closed && key.isValid() && key.isReadable()) {
                relay(isClient ? up : down, isClient ? client : backend, isClient ? backend : client);
            }
            if (!closed) {
                interest();
            }
        }

        @Override
        public void failed(IOException e) {
            close();
        }
    }

    private void relay(Pipe pipe, SocketChannel from, SocketChannel to) throws IOException {
        ByteBuffer buffer = loop.buffer;
        buffer.clear();
        int read = from.read(buffer);
        if (read < 0) {
            pipe.eof = true;
            to.shutdownOutput();
            return;
        }
        buffer.flip();
        to.write(buffer);
        if (buffer.hasRemaining()) {
            pipe.pending = ByteBuffer.allocate(buffer.remaining()).put(buffer).flip();
        }
    }

    private void flush(Pipe pipe, SocketChannel to) throws IOException {
        if (pipe.pending == null) {
            return;
        }
        to.write(pipe.pending);
        if (!pipe.pending.hasRemaining()) {
            pipe.pending = null;
        }
    }

    /** Sets what each socket waits for, from the state of both pipes; closes when both are done. */
    private void interest() {
        if (up.eof && down.eof) {
            close();
            return;
        }
        clientKey.interestOps((up.eof || up.pending != null ? 0 : SelectionKey.OP_READ)
                | (down.pending != null ? SelectionKey.OP_WRITE : 0));
        backendKey.interestOps((down.eof || down.pending != null ? 0 : SelectionKey.OP_READ)
                | (up.pending != null ? SelectionKey.OP_WRITE : 0));
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.connecting.remove(this);
        if (target != null) {
            target.active.decrementAndGet();
        }
        quietClose(client);
        quietClose(backend);
    }

    private static void quietClose(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
