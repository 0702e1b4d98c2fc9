package io.gantry.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP frontend: one listening socket per IO loop, all bound to the same address with
 * SO_REUSEPORT, so that the kernel spreads accepts over the loops (and over the proxies of other
 * nodes on the same machine) without a hand-off between threads.
 */
final class TcpListener implements Listener {

    private static final Logger LOG = LoggerFactory.getLogger(TcpListener.class);
    private static final int BACKLOG = 4096;

    private final Frontend frontend;
    private final List<ServerSocketChannel> channels = new ArrayList<>();
    private final List<EventLoop> loops;
    private volatile ServicePortState port;

    /** Binds at once (so a bind error is the caller's), then registers with the loops. */
    TcpListener(Frontend frontend, List<EventLoop> loops, ServicePortState port) throws IOException {
        this.frontend = frontend;
        this.loops = loops;
        this.port = port;
        InetSocketAddress address = new InetSocketAddress(frontend.ip(), frontend.port());
        try {
            for (int i = 0; i < loops.size(); i++) {
                ServerSocketChannel channel = ServerSocketChannel.open();
                channels.add(channel);
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                channel.configureBlocking(false);
                channel.bind(address, BACKLOG);
            }
        } catch (IOException e) {
            closeChannels();
            throw e;
        }
        for (int i = 0; i < loops.size(); i++) {
            EventLoop loop = loops.get(i);
            ServerSocketChannel channel = channels.get(i);
            loop.execute(() -> {
                try {
                    channel.register(loop.selector(), SelectionKey.OP_ACCEPT, new Acceptor(loop, channel));
                } catch (IOException e) {
                    LOG.warn("Cannot serve {}: {}", frontend, e.toString());
                }
            });
        }
    }

    @Override
    public void route(ServicePortState port) {
        this.port = port;
    }

    @Override
    public void close() {
        for (int i = 0; i < channels.size(); i++) {
            ServerSocketChannel channel = channels.get(i);
            loops.get(i).execute(() -> quietClose(channel));
        }
    }

    private void closeChannels() {
        channels.forEach(TcpListener::quietClose);
    }

    private static void quietClose(ServerSocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private final class Acceptor implements EventLoop.Handler {
        private final EventLoop loop;
        private final ServerSocketChannel channel;

        Acceptor(EventLoop loop, ServerSocketChannel channel) {
            this.loop = loop;
            this.channel = channel;
        }

        @Override
        public void ready(SelectionKey key) throws IOException {
            // a bounded batch per round, so that one busy frontend does not starve the loop's connections
            for (int i = 0; i < 64; i++) {
                SocketChannel client = channel.accept();
                if (client == null) {
                    return;
                }
                try {
                    client.configureBlocking(false);
                    client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    String clientIp = ((InetSocketAddress) client.getRemoteAddress()).getAddress().getHostAddress();
                    new TcpConnection(loop, port, client, clientIp).start();
                } catch (IOException e) {
                    client.close();
                }
            }
        }

        @Override
        public void failed(IOException e) {
            LOG.warn("Accepting on {} failed: {}", frontend, e.toString());
        }
    }
}
