package io.gantry.apiserver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.http.runtime.HttpServiceRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a kubeconfig for this node's API into the Karaf data folder ({@code data/kubeconfig}),
 * from the address the HTTP runtime announces, so that {@code KUBECONFIG=data/kubeconfig kubectl}
 * reaches it whatever port it runs on.
 */
@Component(immediate = true)
public class Kubeconfig {

    private static final Logger LOG = LoggerFactory.getLogger(Kubeconfig.class);
    private static final String ENDPOINT = "osgi.http.endpoint";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            updated = "updatedRuntime")
    void bindRuntime(HttpServiceRuntime runtime, Map<String, Object> properties) {
        writeFor(properties);
    }

    /** Pax Web may register the runtime before its connector listens, and name the endpoint later. */
    void updatedRuntime(HttpServiceRuntime runtime, Map<String, Object> properties) {
        writeFor(properties);
    }

    private void writeFor(Map<String, Object> properties) {
        String server = server(properties.get(ENDPOINT));
        String data = System.getProperty("karaf.data");
        if (server == null || data == null) {
            return;
        }
        try {
            write(Path.of(data, "kubeconfig"), server);
        } catch (IOException e) {
            LOG.warn("Cannot write the kubeconfig into {}: {}", data, e.getMessage());
        }
    }

    void unbindRuntime(HttpServiceRuntime runtime) {
        // the file stays: it names the address the API comes back on
    }

    /** The first endpoint, without a trailing slash; the wildcard address becomes loopback. */
    static String server(Object endpoints) {
        Object first = endpoints instanceof String[] array ? (array.length == 0 ? null : array[0])
                : endpoints instanceof Iterable<?> iterable ? (iterable.iterator().hasNext() ? iterable.iterator().next() : null)
                : endpoints;
        if (first == null || first.toString().isBlank()) {
            return null;
        }
        String server = first.toString().replace("://0.0.0.0:", "://127.0.0.1:");
        return server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    }

    static void write(Path file, String server) throws IOException {
        String config = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: gantry
                  cluster:
                    server: %s
                contexts:
                - name: gantry
                  context:
                    cluster: gantry
                    user: gantry
                    namespace: default
                current-context: gantry
                users:
                - name: gantry
                  user: {}
                """.formatted(server);
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, config, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("Wrote {} for the API at {}", file, server);
    }
}
