package io.gantry.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Probe;
import io.gantry.api.meta.v1.IntOrString;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/**
 * The prober's failure messages for a server on loopback that misbehaves, worded as the
 * Kubernetes prober (Go's net/http) words them, since operators search for those words.
 */
class ProberTest {

    @Test
    void aServerThatHangsUpBeforeAnsweringIsEof() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // as the engine's port proxy does when nothing listens in the container; the JDK's
            // client tries a GET twice, so hang up on every connection
            Thread hangUp = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket accepted = server.accept()) {
                        accepted.getInputStream().read(); // the request has arrived; close without a word
                    } catch (IOException ended) {
                        return;
                    }
                }
            });
            hangUp.start();
            Prober.Result result = Prober.check(httpGet(server.getLocalPort()), new Container(), "c", "127.0.0.1", null);
            server.close();
            hangUp.join(10_000);
            assertFalse(result.ok());
            assertEquals("Get \"http://127.0.0.1:" + server.getLocalPort() + "/healthz\": EOF", result.output());
        }
    }

    @Test
    void aPortWithNoListenerIsConnectionRefused() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        Prober.Result result = Prober.check(httpGet(port), new Container(), "c", "127.0.0.1", null);
        assertFalse(result.ok());
        assertEquals("Get \"http://127.0.0.1:" + port + "/healthz\": dial tcp 127.0.0.1:" + port
                + ": connect: connection refused", result.output());
    }

    private static Probe httpGet(int port) {
        Probe probe = new Probe();
        probe.httpGet = new Probe.HTTPGetAction();
        probe.httpGet.path = "/healthz";
        probe.httpGet.port = IntOrString.of(port);
        probe.timeoutSeconds = 5;
        return probe;
    }
}
