package io.gantry.store.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * etcd's v3 API through its JSON gateway ({@code POST /v3/kv/range}, {@code /v3/kv/txn},
 * {@code /v3/watch}, ...): the same requests as etcd's gRPC API, with keys and values in base64
 * and 64-bit numbers as strings. Plain HTTP from the JDK, so the plugin needs no client bundles.
 *
 * <p>A request goes to the endpoint that answered last; only a refused connection moves it to the
 * next, since a request that reached etcd may have been applied.
 */
final class EtcdGateway {

    /** gRPC's UNAVAILABLE, as etcd answers when it has no leader or is stopping. */
    private static final int UNAVAILABLE = 14;

    private final List<URI> endpoints;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private volatile int current;

    EtcdGateway(List<URI> endpoints, Duration timeout) {
        if (endpoints.isEmpty()) {
            throw new StoreException("no etcd endpoint configured");
        }
        this.endpoints = List.copyOf(endpoints);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    ObjectNode object() {
        return json.createObjectNode();
    }

    /** Sends one request and returns etcd's answer. */
    JsonNode call(String path, ObjectNode body) {
        HttpResponse<byte[]> response = send(path, body, HttpResponse.BodyHandlers.ofByteArray(), true);
        try {
            JsonNode answer = json.readTree(response.body());
            if (response.statusCode() != 200 || answer.has("error")) {
                int code = answer.path("code").asInt();
                String message = answer.path("message").asText("");
                if (code == UNAVAILABLE) {
                    // etcd refused before doing anything (no leader, stopping): the caller may retry
                    throw new StoreException.Unavailable("etcd cannot serve " + path + " now: " + message);
                }
                throw new EtcdError(path, response.statusCode(), code, message);
            }
            return answer;
        } catch (IOException e) {
            throw new StoreException("etcd answered " + path + " with something other than JSON: " + e.getMessage(), e);
        }
    }

    /** Opens a streaming request (a watch); the body is a sequence of JSON objects. */
    InputStream stream(String path, ObjectNode body) {
        HttpResponse<InputStream> response = send(path, body, HttpResponse.BodyHandlers.ofInputStream(), false);
        if (response.statusCode() != 200) {
            try (InputStream in = response.body()) {
                throw new StoreException("etcd refused " + path + " (HTTP " + response.statusCode() + "): "
                        + new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new StoreException("etcd refused " + path + " (HTTP " + response.statusCode() + ")", e);
            }
        }
        return response.body();
    }

    ObjectMapper json() {
        return json;
    }

    private <T> HttpResponse<T> send(String path, ObjectNode body, HttpResponse.BodyHandler<T> handler, boolean timed) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new StoreException("cannot write a request to etcd: " + e.getMessage(), e);
        }
        StoreException last = null;
        for (int attempt = 0; attempt < endpoints.size(); attempt++) {
            int index = (current + attempt) % endpoints.size();
            URI endpoint = endpoints.get(index);
            HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.resolve(path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
            if (timed) {
                request.timeout(timeout);
            }
            try {
                HttpResponse<T> response = http.send(request.build(), handler);
                current = index;
                return response;
            } catch (ConnectException e) {
                // not connected, so nothing was sent: safe to try the next endpoint, or later
                last = new StoreException.Unavailable("etcd at " + endpoint + " does not answer: " + e.getMessage(), e);
            } catch (HttpTimeoutException e) {
                throw new StoreException("etcd at " + endpoint + " did not answer " + path + " within " + timeout.toSeconds() + " s", e);
            } catch (IOException e) {
                throw new StoreException("request " + path + " to etcd at " + endpoint + " failed: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while waiting for etcd", e);
            }
        }
        throw last;
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static byte[] bytes(JsonNode base64) {
        return base64 == null || base64.isNull() ? new byte[0] : Base64.getDecoder().decode(base64.asText());
    }

    static String text(JsonNode base64) {
        return new String(bytes(base64), StandardCharsets.UTF_8);
    }

    /** The key just after every key that starts with the prefix, as etcd's range_end wants. */
    static byte[] prefixEnd(String prefix) {
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                byte[] shorter = java.util.Arrays.copyOf(end, i + 1);
                shorter[i]++;
                return shorter;
            }
        }
        return new byte[] {0}; // every key
    }

    /** An error etcd answered with (gRPC status code and message). */
    static final class EtcdError extends StoreException {
        private static final long serialVersionUID = 1L;
        /** gRPC's OUT_OF_RANGE: a compacted or a future revision. */
        static final int OUT_OF_RANGE = 11;
        private final int code;

        EtcdError(String path, int status, int code, String message) {
            super("etcd refused " + path + " (HTTP " + status + "): " + message);
            this.code = code;
        }

        boolean compacted() {
            return code == OUT_OF_RANGE && getMessage().contains("compacted");
        }

        boolean futureRevision() {
            return code == OUT_OF_RANGE && getMessage().contains("future revision");
        }
    }
}
