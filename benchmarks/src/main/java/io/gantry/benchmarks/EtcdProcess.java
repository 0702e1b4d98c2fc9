package io.gantry.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd server (Debian's {@code /usr/bin/etcd}, package etcd-server) started by the
 * benchmark: free loopback ports, a data folder of the caller's, stopped on close.
 */
final class EtcdProcess implements AutoCloseable {

    private static final Path ETCD = Path.of("/usr/bin/etcd");

    private final Process process;
    private final URI endpoint;

    EtcdProcess(Path data) throws Exception {
        if (!Files.isExecutable(ETCD)) {
            throw new IllegalStateException("the etcd backend needs a real etcd: apt-get install etcd-server");
        }
        int clientPort = freePort();
        int peerPort = freePort();
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        this.endpoint = URI.create(client);
        Path log = data.resolve("etcd.log");
        this.process = new ProcessBuilder(List.of(ETCD.toString(),
                "--name", "gantry-bench",
                "--data-dir", data.resolve("etcd").toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "gantry-bench=" + peer,
                "--log-level", "error"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitAnswer(log);
    }

    URI endpoint() {
        return endpoint;
    }

    /** Polls etcd's JSON gateway until it serves a read, for at most 30 s. */
    private void awaitAnswer(Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd ended: " + Files.readString(log));
            }
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(endpoint.resolve("/v3/kv/range"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"AA==\"}")).build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("etcd did not answer within 30 s: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
