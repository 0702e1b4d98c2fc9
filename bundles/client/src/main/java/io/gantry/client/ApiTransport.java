package io.gantry.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests to the API servers over HTTP/1.1 with failover: each request goes to the current
 * server of {@link ApiServers}; when that server cannot be reached, the next one is tried.
 *
 * <p>What is retried elsewhere: any request whose connection could not be made (it never reached
 * a server, so nothing happened), and reads ({@code GET}) also after a lost connection or a 503
 * (the backend of that server could not answer: a minority side, a missing store plugin). A write
 * whose connection broke after it was sent is not repeated, since it may have been applied: the
 * caller gets a 503 saying so, as a controller gets any failed write, and acts on what it sees next.
 */
final class ApiTransport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiTransport.class);
    private static final String JSON = "application/json";

    /** How the transport behaves; see the configuration of the client component. */
    record Settings(Duration connectTimeout, Duration requestTimeout, int rounds, Duration watchIdleTimeout,
                    String userAgent) {

        static final Settings DEFAULTS = new Settings(Duration.ofSeconds(2), Duration.ofSeconds(30), 2,
                Duration.ofSeconds(10), "gantry-client");
    }

    /** A server's answer: its HTTP status and body, and which server gave it. */
    record Answer(int code, byte[] body, URI server) {

        boolean ok() {
            return code >= 200 && code < 300;
        }
    }

    private final ApiServers servers;
    private final Settings settings;
    private final ExecutorService executor;
    private final ScheduledExecutorService timer;
    private final HttpClient http;

    ApiTransport(ApiServers servers, Settings settings) {
        this.servers = servers;
        this.settings = settings;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> daemon(r, "gantry-client-" + threads.incrementAndGet()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "gantry-client-watchdog"));
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    ApiServers servers() {
        return servers;
    }

    Settings settings() {
        return settings;
    }

    HttpClient http() {
        return http;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    /**
     * Sends one request, failing over as the class comment says.
     *
     * @param body JSON, or null for none
     * @return the answer of the first server that gave one (any HTTP status)
     * @throws ApiException 503 when no server could be reached or a write's connection broke
     */
    Answer send(String method, String pathAndQuery, byte[] body, String accept) {
        return send(method, pathAndQuery, body, accept, null);
    }

    /**
     * Sends one request as {@link #send(String, String, byte[], String)} does, carrying a leader
     * term ({@value io.gantry.api.client.ApiClient#LEADER_TERM_HEADER}) when one is given.
     */
    Answer send(String method, String pathAndQuery, byte[] body, String accept, String leaderTerm) {
        boolean read = method.equals("GET");
        IOException lastFailure = null;
        Answer lastAnswer = null;
        for (int round = 0; round < Math.max(1, settings.rounds()); round++) {
            if (round > 0) {
                pause(round);
            }
            List<URI> candidates = servers.inOrder();
            if (candidates.isEmpty()) {
                throw noServer();
            }
            for (URI server : candidates) {
                HttpRequest.Builder builder = request(server, method, pathAndQuery, body, accept)
                        .timeout(settings.requestTimeout());
                if (leaderTerm != null) {
                    builder.header(ApiClient.LEADER_TERM_HEADER, leaderTerm);
                }
                HttpRequest request = builder.build();
                try {
                    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    Answer answer = new Answer(response.statusCode(), response.body(), server);
                    if (read && answer.code() == 503 && candidates.size() > 1) {
                        // this server's backend cannot answer; another one's may
                        lastAnswer = answer;
                        servers.failed(server);
                        continue;
                    }
                    return answer;
                } catch (IOException e) {
                    lastFailure = e;
                    servers.failed(server);
                    if (!read && !neverSent(e)) {
                        throw ApiException.unavailable("the connection to the API server " + server + " broke during "
                                + method + " " + pathOnly(pathAndQuery) + " (" + describe(e)
                                + "); the write may or may not have been applied");
                    }
                    LOG.debug("{} {} on {} failed ({}); trying the next API server", method, pathOnly(pathAndQuery),
                            server, describe(e));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw ApiException.unavailable("interrupted while waiting for the API server " + server);
                }
            }
        }
        if (lastAnswer != null) {
            return lastAnswer;
        }
        throw unreachable(lastFailure);
    }

    /** A request to one server, with the headers every request carries. */
    HttpRequest.Builder request(URI server, String method, String pathAndQuery, byte[] body, String accept) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(server.resolve(pathAndQuery))
                .header("Accept", accept == null ? JSON : accept)
                .header("User-Agent", settings.userAgent());
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", JSON).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        }
        return builder;
    }

    /** The error of a non-2xx answer: its Status as the server wrote it, or one made from the code. */
    static ApiException error(Answer answer) {
        Status status = status(answer.body());
        if (status == null) {
            status = Status.failure(answer.code(), reasonOf(answer.code()), "the API server " + answer.server()
                    + " answered " + answer.code() + " without a Status");
        }
        if (status.code == null) {
            status.code = answer.code();
        }
        return new ApiException(status);
    }

    /** The Status in a body, or null if the body is none. */
    static Status status(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode tree = Json.mapper().readTree(body);
            if (tree == null || !"Status".equals(tree.path("kind").asText())) {
                return null;
            }
            return Json.mapper().treeToValue(tree, Status.class);
        } catch (IOException e) {
            return null;
        }
    }

    ApiException unreachable(IOException cause) {
        return ApiException.unavailable("no API server answered (tried " + servers + ")"
                + (cause == null ? "" : ": " + describe(cause)));
    }

    static ApiException noServer() {
        return ApiException.unavailable("no API server is known: name them in etc/io.gantry.client.cfg (servers), "
                + "or start a control plane in the cluster");
    }

    /** True for failures that happen before a request leaves: nothing can have been applied. */
    static boolean neverSent(IOException e) {
        return e instanceof ConnectException || e instanceof HttpConnectTimeoutException
                || e.getCause() instanceof ConnectException;
    }

    static String describe(Throwable e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "no connection within the connect timeout";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        String message = e.getMessage();
        if (message == null && e.getCause() != null) {
            message = e.getCause().getMessage();
        }
        return message == null ? "connection failed" : message;
    }

    private static String pathOnly(String pathAndQuery) {
        int query = pathAndQuery.indexOf('?');
        return query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
    }

    private static String reasonOf(int code) {
        return switch (code) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 409 -> "Conflict";
            case 410 -> "Expired";
            case 415 -> "UnsupportedMediaType";
            case 422 -> "Invalid";
            case 429 -> "TooManyRequests";
            case 503 -> "ServiceUnavailable";
            case 504 -> "Timeout";
            default -> code >= 500 ? "InternalError" : "Unknown";
        };
    }

    /** A short, growing pause between rounds over the servers, so that a restarting server can come back. */
    private static void pause(int round) {
        try {
            Thread.sleep(100L * round);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while waiting to retry the API servers");
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        executor.shutdownNow();
    }
}
