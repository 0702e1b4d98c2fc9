package io.gantry.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP frontend: one socket per IO loop with SO_REUSEPORT (the kernel keeps a client's
 * datagrams on one socket). Each client address is a flow with its own socket connected to the
 * backend picked for its first datagram; replies go back from the frontend's address. A flow idle
 * for the configured time is closed, which is where a UDP "connection" ends.
 */
final class UdpListener implements Listener {

    private static final Logger LOG = LoggerFactory.getLogger(UdpListener.class);

    private final Frontend frontend;
    private final List<EventLoop> loops;
    private final long idleNanos;
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final List<LongConsumer> sweeps = new ArrayList<>();
    private volatile ServicePortState port;

    UdpListener(Frontend frontend, List<EventLoop> loops, ServicePortState port, int idleSeconds) throws IOException {
        this.frontend = frontend;
        this.loops = loops;
        this.port = port;
        this.idleNanos = TimeUnit.SECONDS.toNanos(idleSeconds);
        InetSocketAddress address = new InetSocketAddress(frontend.ip(), frontend.port());
        try {
            for (int i = 0; i < loops.size(); i++) {
                DatagramChannel channel = DatagramChannel.open();
                channels.add(channel);
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                channel.configureBlocking(false);
                channel.bind(address);
            }
        } catch (IOException e) {
            channels.forEach(UdpListener::quietClose);
            throw e;
        }
        for (int i = 0; i < loops.size(); i++) {
            EventLoop loop = loops.get(i);
            DatagramChannel channel = channels.get(i);
            Receiver receiver = new Receiver(loop, channel);
            sweeps.add(receiver::sweep);
            loop.onTick(receiver::sweep);
            loop.execute(() -> {
                try {
                    channel.register(loop.selector(), SelectionKey.OP_READ, receiver);
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

    /** Stops receiving new flows; flows open go on until idle (their replies use the closed socket, so they end now). */
    @Override
    public void close() {
        for (int i = 0; i < channels.size(); i++) {
            DatagramChannel channel = channels.get(i);
            EventLoop loop = loops.get(i);
            LongConsumer sweep = sweeps.get(i);
            loop.execute(() -> {
                loop.removeTick(sweep);
                quietClose(channel);
                for (var key : loop.selector().keys()) {
                    if (key.attachment() instanceof Flow flow && flow.receiver.channel == channel) {
                        flow.close();
                    }
                }
            });
        }
    }

    private static void quietClose(DatagramChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** The frontend socket of one loop and its flows. */
    private final class Receiver implements EventLoop.Handler {
        private final EventLoop loop;
        private final DatagramChannel channel;
        private final Map<SocketAddress, Flow> flows = new HashMap<>();

        Receiver(EventLoop loop, DatagramChannel channel) {
            this.loop = loop;
            this.channel = channel;
        }

        @Override
        public void ready(SelectionKey key) throws IOException {
            ByteBuffer buffer = loop.buffer;
            for (int i = 0; i < 64; i++) {
                buffer.clear();
                SocketAddress from = channel.receive(buffer);
                if (from == null) {
                    return;
                }
                buffer.flip();
                Flow flow = flows.get(from);
                if (flow == null) {
                    flow = open(from);
                    if (flow == null) {
                        continue; // no ready endpoint: the datagram is dropped, as the kernel would
                    }
                }
                flow.lastUsed = System.nanoTime();
                try {
                    flow.upstream.write(buffer);
                } catch (IOException e) {
                    flow.close(); // the backend went away (port unreachable): the next datagram picks again
                }
            }
        }

        private Flow open(SocketAddress from) {
            String clientIp = ((InetSocketAddress) from).getAddress().getHostAddress();
            BackendRef target = port.pick(clientIp, Set.of());
            if (target == null) {
                return null;
            }
            try {
                DatagramChannel upstream = DatagramChannel.open();
                upstream.configureBlocking(false);
                upstream.connect(target.address);
                Flow flow = new Flow(this, from, upstream, target);
                upstream.register(loop.selector(), SelectionKey.OP_READ, flow);
                target.active.incrementAndGet();
                flows.put(from, flow);
                return flow;
            } catch (IOException e) {
                LOG.debug("{}: no flow to {}: {}", frontend, target, e.toString());
                return null;
            }
        }

        void sweep(long now) {
            for (Iterator<Flow> it = new ArrayList<>(flows.values()).iterator(); it.hasNext(); ) {
                Flow flow = it.next();
                if (now - flow.lastUsed >= idleNanos) {
                    flow.close();
                }
            }
        }

        @Override
        public void failed(IOException e) {
            LOG.warn("Receiving on {} failed: {}", frontend, e.toString());
        }
    }

    /** One client's flow to its backend. */
    private static final class Flow implements EventLoop.Handler {
        final Receiver receiver;
        final SocketAddress client;
        final DatagramChannel upstream;
        final BackendRef target;
        long lastUsed = System.nanoTime();
        boolean closed;

        Flow(Receiver receiver, SocketAddress client, DatagramChannel upstream, BackendRef target) {
            this.receiver = receiver;
            this.client = client;
            this.upstream = upstream;
            this.target = target;
        }

        @Override
        public void ready(SelectionKey key) throws IOException {
            ByteBuffer buffer = receiver.loop.buffer;
            for (int i = 0; i < 64; i++) {
                buffer.clear();
                int read = upstream.read(buffer);
                if (read <= 0) {
                    return;
                }
                buffer.flip();
                lastUsed = System.nanoTime();
                receiver.channel.send(buffer, client);
            }
        }

        @Override
        public void failed(IOException e) {
            close();
        }

        void close() {
            if (!closed) {
                closed = true;
                target.active.decrementAndGet();
                receiver.flows.remove(client, this);
                try {
                    upstream.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }
}
