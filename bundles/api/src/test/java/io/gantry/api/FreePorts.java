package io.gantry.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for the servers a test starts. A port the kernel hands out for {@code bind(0)} comes from
 * its ephemeral range (32768-60999 here), which every outgoing connection also draws from: between
 * the test closing its probe socket and its server binding the port, a connection can take it
 * (a Karaf node's Hazelcast member once found its port so taken and never joined). These come from
 * below that range instead, each handed out once per JVM, starting at a random point so that JVMs
 * running one after another rarely meet, and each found free on every address when handed out.
 */
public final class FreePorts {

    private static final int FIRST = 20000;
    private static final int LAST = 32767;
    private static final int COUNT = LAST - FIRST + 1;
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(COUNT));

    private FreePorts() {
    }

    /** A port no server of this host listens on, not handed out before in this JVM. */
    public static int next() {
        for (int tried = 0; tried < COUNT; tried++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), COUNT);
            if (free(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + FIRST + "-" + LAST);
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
