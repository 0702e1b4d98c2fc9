package io.gantry.kubelet;

import static io.gantry.kubelet.KubectlCluster.awaitPod;
import static io.gantry.kubelet.KubectlCluster.create;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code kubectl port-forward} end to end, SPDY/3.1 through the real API server's servlet in Jetty
 * to the kubelet, which connects to the pod's port on the real Docker engine: kubectl 1.33 (which
 * tries SPDY in a WebSocket first, is refused, and falls back) and 1.27 (SPDY alone); a declared
 * port on the pod's IP, an undeclared one inside the pod's network namespace.
 */
@ExtendWith(KubectlCluster.PerClass.class)
class KubectlPortForwardDockerTest {

    @BeforeAll
    static void createPods() throws Exception {
        create("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                spec:
                  nodeName: %s
                  containers:
                  - name: httpd
                    image: gantry/httpd:1.0
                    ports:
                    - containerPort: 80
                  - name: side
                    image: gantry/httpd:1.0
                    command: ["sh", "-c", "mkdir -p /w && echo side on an undeclared port > /w/index.html && exec httpd -f -p 8081 -h /w"]
                """);
        awaitPod("web", p -> "Running".equals(p.status.phase));
    }

    @Test
    void kubectl133ForwardsALocalPortToThePod() throws Exception {
        forwardAndGet("1.33");
    }

    @Test
    void kubectl127ForwardsALocalPortToThePod() throws Exception {
        forwardAndGet("1.27");
    }

    @Test
    void aPortThePodDoesNotDeclareIsReachedInsideItsNetworkNamespace() throws Exception {
        int local = FreePorts.next();
        Process forward = start("1.33", local + ":8081");
        try {
            awaitForwarding(forward);
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + local + "/")).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode());
            assertEquals("side on an undeclared port", answer.body().trim());
        } finally {
            forward.destroyForcibly();
        }
    }

    @Test
    void aPortThePodDoesNotServeGivesKubectlTheKubeletsError() throws Exception {
        int local = FreePorts.next();
        Process forward = start("1.33", local + ":81");
        StringBuffer err = new StringBuffer();
        Thread errors = new Thread(() -> {
            try {
                forward.getErrorStream().transferTo(new java.io.OutputStream() {
                    @Override
                    public void write(int b) {
                        err.append((char) b);
                    }
                });
            } catch (IOException e) {
                // kubectl ended
            }
        });
        errors.setDaemon(true);
        errors.start();
        try {
            awaitForwarding(forward);
            try {
                HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + local + "/"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException expected) {
                // the connection is closed without an answer
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> err.toString().contains("error forwarding port 81 to pod web"));
        } finally {
            forward.destroyForcibly();
        }
    }

    private static void forwardAndGet(String version) throws Exception {
        int local = FreePorts.next();
        Process forward = start(version, local + ":80");
        try {
            awaitForwarding(forward);
            for (int i = 0; i < 3; i++) { // each request a client and connection of its own: a pair of streams each
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + local + "/"))
                        .timeout(Duration.ofSeconds(20)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode(), version);
                assertTrue(answer.body().contains("hello from Gantry, pod web"), version + ": " + answer.body());
            }
        } finally {
            forward.destroyForcibly();
        }
    }

    private static Process start(String version, String ports) throws IOException {
        List<String> command = new ArrayList<>(KubectlCluster.command("port-forward", "pod/web", ports));
        command.set(0, Path.of(KubectlCluster.KUBECTL).resolveSibling("kubectl." + version).toString());
        return new ProcessBuilder(command).start();
    }

    /** Waits for kubectl's "Forwarding from 127.0.0.1:PORT" line. */
    private static void awaitForwarding(Process forward) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(forward.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertTrue(line != null && line.startsWith("Forwarding from 127.0.0.1:"), "kubectl said: " + line);
    }
}
