package io.gantry.proxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend of the proxy's tests: a plain server on its own loopback address that answers each
 * line it reads with its name (TCP), or each datagram with its name (UDP). A pod stand-in where
 * a container adds nothing: the proxy only sees an address and a port.
 */
final class TestBackend implements AutoCloseable {

    final String name;
    final String ip;
    final int port;
    final AtomicInteger served = new AtomicInteger();
    private final ServerSocket server;
    private final DatagramSocket udp;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "test-backend");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final CountDownLatch acceptEnded = new CountDownLatch(1);

    private TestBackend(String name, String ip, boolean tcp) throws IOException {
        this.name = name;
        this.ip = ip;
        if (tcp) {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(ip, 0), 1024);
            udp = null;
            port = server.getLocalPort();
            threads.execute(this::accept);
        } else {
            server = null;
            udp = new DatagramSocket(new InetSocketAddress(ip, 0));
            port = udp.getLocalPort();
            threads.execute(this::answerDatagrams);
        }
    }

    static TestBackend tcp(String name, String ip) throws IOException {
        return new TestBackend(name, ip, true);
    }

    static TestBackend udp(String name, String ip) throws IOException {
        return new TestBackend(name, ip, false);
    }

    int openConnections() {
        return open.size();
    }

    /**
     * Stops accepting, as a server shutting down gracefully: new connections are refused, those
     * it has finish.
     */
    void stopListening() throws IOException, InterruptedException {
        server.close();
        // The JDK closes a socket that a thread is blocked accepting on only once that thread has
        // left accept: until then the kernel still queues connections, which the close then
        // resets. Waiting for it makes "stopped" mean refused from here on.
        if (!acceptEnded.await(10, TimeUnit.SECONDS)) {
            throw new IOException("the accepting thread of " + name + " did not end");
        }
    }

    private void accept() {
        try {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    open.add(socket);
                    threads.execute(() -> serve(socket));
                } catch (IOException e) {
                    return;
                }
            }
        } finally {
            acceptEnded.countDown();
        }
    }

    private void serve(Socket socket) {
        try (socket; BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.UTF_8))) {
            OutputStream out = socket.getOutputStream();
            while (in.readLine() != null) {
                served.incrementAndGet();
                out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        } finally {
            open.remove(socket);
        }
    }

    private void answerDatagrams() {
        byte[] buffer = new byte[1500];
        while (!udp.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                udp.receive(packet);
                served.incrementAndGet();
                byte[] reply = name.getBytes(StandardCharsets.UTF_8);
                udp.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }
        if (udp != null) {
            udp.close();
        }
        for (Socket socket : open) {
            socket.close();
        }
        threads.shutdownNow();
    }

    /** One request on a new connection: a line sent, the backend's name read. */
    static String request(String ip, int port) throws IOException {
        return request(ip, port, null);
    }

    /** The same from a given client address (for ClientIP affinity). */
    static String request(String ip, int port, String from) throws IOException {
        try (Socket socket = new Socket()) {
            if (from != null) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            }
            socket.connect(new InetSocketAddress(ip, port), 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            if (line == null) {
                throw new IOException("connection closed without an answer");
            }
            return line;
        }
    }

    /** A connection held open, asked again and again. */
    static final class Held implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;

        Held(String ip, int port) throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress(ip, port), 2000);
            socket.setSoTimeout(5000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        String ask() throws IOException {
            socket.getOutputStream().write("again\n".getBytes(StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null) {
                throw new IOException("the held connection was closed");
            }
            return line;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
