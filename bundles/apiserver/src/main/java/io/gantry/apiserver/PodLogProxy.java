package io.gantry.apiserver;

import io.gantry.api.client.ApiException;
import io.gantry.api.meta.v1.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.servlet.http.HttpServletResponse;

/**
 * {@code GET .../pods/NAME/log}: the container's log from the kubelet of the pod's node
 * ({@code /containerLogs/NS/POD/CONTAINER} on its daemon endpoint), passed on as
 * {@code text/plain}; while following, each piece as it arrives, until the container stops or
 * the client goes away.
 */
final class PodLogProxy {

    /** The PodLogOptions parameters the kubelet takes, passed on as given. */
    private static final List<String> PASSED = List.of("follow", "previous", "timestamps", "tailLines", "sinceSeconds",
            "sinceTime", "limitBytes");
    private static final int CONNECT_MILLIS = 5_000;

    private final KubeletLocator kubelets;

    PodLogProxy(KubeletLocator kubelets) {
        this.kubelets = kubelets;
    }

    void serve(String namespace, String name, Query query, HttpServletResponse response) throws IOException {
        boolean follow = query.bool("follow");
        boolean previous = query.bool("previous");
        check(query);
        KubeletLocator.Location location = kubelets.locate(namespace, name, query.text("container"));
        String waiting = previous ? null : KubeletLocator.waiting(location.pod(), name, location.container());
        if (waiting != null) {
            throw ApiException.badRequest(waiting);
        }
        StringBuilder url = new StringBuilder(location.base()).append("/containerLogs/").append(encode(namespace))
                .append('/').append(encode(name)).append('/').append(encode(location.container()));
        char separator = '?';
        for (String parameter : PASSED) {
            String value = query.text(parameter);
            if (value != null) {
                url.append(separator).append(parameter).append('=').append(encode(value));
                separator = '&';
            }
        }
        HttpURLConnection connection = (HttpURLConnection) URI.create(url.toString()).toURL().openConnection();
        connection.setConnectTimeout(CONNECT_MILLIS);
        connection.setReadTimeout(0); // a follower may wait long for the next line
        try {
            int code;
            try {
                code = connection.getResponseCode();
            } catch (IOException e) {
                throw KubeletLocator.unavailable("the kubelet of node " + location.node() + " does not answer at "
                        + location.host() + ":" + location.port() + ": " + e.getMessage());
            }
            if (code != 200) {
                throw refused(code, connection);
            }
            response.setStatus(200);
            response.setContentType("text/plain");
            relay(connection.getInputStream(), response.getOutputStream(), follow);
        } finally {
            connection.disconnect(); // closes the kubelet's stream: it stops reading the runtime
        }
    }

    /** The numeric parameters, checked here so that a bad one is a Status naming it. */
    private static void check(Query query) {
        query.bool("timestamps");
        for (String parameter : List.of("tailLines", "sinceSeconds", "limitBytes")) {
            Long value = query.number(parameter);
            if (value != null && (value < 0 || (value == 0 && !parameter.equals("tailLines")))) {
                throw ApiException.badRequest("PodLogOptions \"\" is invalid: " + parameter + ": Invalid value: " + value
                        + ": must be greater than " + (parameter.equals("tailLines") ? "or equal to " : "") + "0");
            }
        }
    }

    private static void relay(InputStream in, OutputStream out, boolean follow) throws IOException {
        try (in) {
            byte[] buffer = new byte[8192];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                out.write(buffer, 0, read); // throws once the client went away, which ends the relay
                if (follow) {
                    out.flush();
                }
            }
        }
    }

    /** The kubelet's refusal (plain text) as a Status with the kubelet's code and words. */
    private static ApiException refused(int code, HttpURLConnection connection) {
        String message;
        try (InputStream error = connection.getErrorStream()) {
            message = error == null ? "" : new String(error.readNBytes(64 * 1024), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            message = e.getMessage();
        }
        return switch (code) {
            case 400 -> ApiException.badRequest(message);
            case 404 -> new ApiException(Status.failure(404, "NotFound", message));
            default -> KubeletLocator.unavailable("the kubelet answered " + code + ": " + message);
        };
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
