package io.gantry.proxy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The userspace datapath: a few IO loops (one per core by default) that serve every frontend of
 * the node. Non-blocking throughout: a connection costs two sockets and no thread.
 */
final class Datapath implements AutoCloseable {

    private final List<EventLoop> loops = new ArrayList<>();
    private final int udpIdleSeconds;

    Datapath(int threads, int udpIdleSeconds) {
        int count = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < count; i++) {
            loops.add(new EventLoop("gantry-proxy-io-" + i));
        }
        this.udpIdleSeconds = udpIdleSeconds;
    }

    /**
     * Listens on a frontend for a service port.
     *
     * @throws IOException if the address cannot be bound (taken by a socket without SO_REUSEPORT)
     */
    Listener listen(Frontend frontend, ServicePortState port) throws IOException {
        return frontend.protocol().equals("UDP") ? new UdpListener(frontend, loops, port, udpIdleSeconds)
                : new TcpListener(frontend, loops, port);
    }

    /** Runs a task once a second on one loop. */
    void onTick(java.util.function.LongConsumer tick) {
        loops.get(0).onTick(tick);
    }

    /** Stops every loop: listeners and every connection close. */
    @Override
    public void close() {
        loops.forEach(EventLoop::close);
    }
}
