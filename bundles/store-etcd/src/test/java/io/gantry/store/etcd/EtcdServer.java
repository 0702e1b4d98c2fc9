package io.gantry.store.etcd;

import static org.awaitility.Awaitility.await;

import io.gantry.api.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd server (Debian's etcd-server) for one test: loopback ports of its own, a data folder
 * of the test's, stopped at the end. It can be stopped and started again on the same data.
 */
final class EtcdServer implements AutoCloseable {

    private static final Path ETCD = Path.of("/usr/bin/etcd");

    private final Path data;
    private final int clientPort;
    private final int peerPort;
    private Process process;

    EtcdServer(Path data) throws IOException {
        if (!Files.isExecutable(ETCD)) {
            throw new IllegalStateException("these tests run a real etcd: install Debian's etcd-server (apt-get install etcd-server)");
        }
        this.data = data;
        this.clientPort = FreePorts.next();
        this.peerPort = FreePorts.next();
        start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + clientPort);
    }

    void start() throws IOException {
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        process = new ProcessBuilder(List.of(ETCD.toString(),
                "--name", "gantry-test",
                "--data-dir", data.resolve("etcd").toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "gantry-test=" + peer,
                "--log-level", "error"))
                .redirectErrorStream(true)
                .redirectOutput(data.resolve("etcd.log").toFile())
                .start();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("etcd ended: " + Files.readString(data.resolve("etcd.log")));
            }
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(endpoint().resolve("/v3/kv/range"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"AA==\"}")).build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200;
        });
    }

    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
