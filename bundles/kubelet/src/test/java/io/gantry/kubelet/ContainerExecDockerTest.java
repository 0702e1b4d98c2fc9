package io.gantry.kubelet;

import static io.gantry.kubelet.DockerNode.container;
import static io.gantry.kubelet.DockerNode.pod;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.core.v1.Pod;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kubelet's exec endpoint on the real Docker engine, spoken to by the JDK's WebSocket client:
 * protocol negotiation, the channel framing, and the final Status.
 */
class ContainerExecDockerTest {

    private static final Duration LONG = Duration.ofSeconds(60);
    private DockerNode node;

    @BeforeEach
    void setUp() throws Exception {
        node = new DockerNode();
        Pod pod = node.create(pod("execs", container("main", "sleep 3600")));
        node.await(pod, LONG, p -> p.status.containerStatuses != null && p.status.containerStatuses.get(0).state.running != null);
    }

    @AfterEach
    void tearDown() throws Exception {
        node.close();
    }

    @Test
    void v4SessionCarriesOutputAndTheExitStatus() throws Exception {
        Session session = open("v4.channel.k8s.io", "command=sh&command=-c&command=echo+out%3B+echo+err+%3E%262%3B+exit+4"
                + "&stdout=true&stderr=true");
        assertEquals("v4.channel.k8s.io", session.socket.getSubprotocol());
        session.closed.get(60, TimeUnit.SECONDS);
        assertEquals("out\n", session.channel(1));
        assertEquals("err\n", session.channel(2));
        String status = session.channel(3);
        assertTrue(status.contains("\"status\":\"Failure\"") && status.contains("\"reason\":\"NonZeroExitCode\"")
                && status.contains("{\"reason\":\"ExitCode\",\"message\":\"4\"}"), status);
    }

    @Test
    void v5StdinEndsWithTheCloseSignal() throws Exception {
        Session session = open("v5.channel.k8s.io, v4.channel.k8s.io", "command=cat&stdin=true&stdout=true&stderr=true");
        assertEquals("v5.channel.k8s.io", session.socket.getSubprotocol());
        session.socket.sendBinary(ByteBuffer.wrap("\0piped\n".getBytes(StandardCharsets.UTF_8)), true).get();
        session.socket.sendPing(ByteBuffer.wrap(new byte[] {1})).get();
        session.socket.sendBinary(ByteBuffer.wrap(new byte[] {(byte) 255, 0}), true).get();
        session.closed.get(60, TimeUnit.SECONDS);
        assertEquals("piped\n", session.channel(1));
        assertEquals("{\"metadata\":{},\"status\":\"Success\"}", session.channel(3));
        assertTrue(session.pongs > 0, "a ping is answered");
    }

    @Test
    void aTerminalTakesTheClientsSizesAsTheyChange() throws Exception {
        // each line read prints the terminal's size: "rows columns"
        Session session = open("v5.channel.k8s.io", "command=sh&command=-c&command=while+read+x%3B+do+stty+size%3B+done"
                + "&stdin=true&stdout=true&tty=true");
        for (int[] size : new int[][] {{100, 40}, {132, 50}}) {
            session.socket.sendBinary(ByteBuffer.wrap(("\u0004{\"Width\":" + size[0] + ",\"Height\":" + size[1] + "}")
                    .getBytes(StandardCharsets.UTF_8)), true).get();
            String expected = size[1] + " " + size[0];
            // the engine applies a size shortly after the client sends it: ask until it shows
            await().atMost(LONG).pollInterval(Duration.ofMillis(200)).until(() -> {
                session.socket.sendBinary(ByteBuffer.wrap("\0\n".getBytes(StandardCharsets.UTF_8)), true).get();
                return session.channel(1).contains(expected);
            });
        }
        // end of input on a terminal is its EOF character, which ends the loop and the shell
        session.socket.sendBinary(ByteBuffer.wrap(new byte[] {0, 4}), true).get();
        session.closed.get(60, TimeUnit.SECONDS);
        assertEquals("{\"metadata\":{},\"status\":\"Success\"}", session.channel(3));
    }

    @Test
    void refusedBeforeTheUpgrade() {
        CompletableFuture<WebSocket> unknown = HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("v5.channel.k8s.io")
                .buildAsync(URI.create("ws://127.0.0.1:" + node.kubelet.port() + "/exec/default/execs/nope?command=true&stdout=1"),
                        new WebSocket.Listener() { });
        Throwable failure = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> unknown.get(30, TimeUnit.SECONDS));
        java.net.http.WebSocketHandshakeException refused = (java.net.http.WebSocketHandshakeException) failure.getCause();
        assertEquals(400, refused.getResponse().statusCode());
        assertEquals("container nope is not valid for pod execs", refused.getResponse().body());
    }

    private Session open(String protocols, String query) throws Exception {
        Session session = new Session();
        String[] offered = protocols.split(",\\s*");
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        builder.subprotocols(offered[0], java.util.Arrays.copyOfRange(offered, 1, offered.length));
        session.socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + node.kubelet.port() + "/exec/default/execs/main?"
                + query), session).get(30, TimeUnit.SECONDS);
        return session;
    }

    /** What one session received, by channel. */
    private static final class Session implements WebSocket.Listener {
        final Map<Integer, ByteArrayOutputStream> channels = new TreeMap<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        volatile WebSocket socket;
        volatile int pongs;
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();

        synchronized String channel(int channel) {
            ByteArrayOutputStream bytes = channels.get(channel);
            return bytes == null ? "" : bytes.toString(StandardCharsets.UTF_8);
        }

        @Override
        public synchronized CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            message.writeBytes(bytes);
            if (last) {
                byte[] whole = message.toByteArray();
                message.reset();
                channels.computeIfAbsent(whole[0] & 0xff, c -> new ByteArrayOutputStream()).write(whole, 1, whole.length - 1);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            pongs++;
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
