package io.gantry.apiserver;

import io.gantry.api.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real API server on loopback ({@link TestApiServer}) and the real kubectl pointed at it, for a
 * test class: in a static field, one for the whole class; in an instance field, a fresh one for
 * each test.
 *
 * <pre>{@code @RegisterExtension
 * static final ApiServerExtension api = ApiServerExtension.plain();}</pre>
 */
public final class ApiServerExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    private final boolean controllers;
    private final Map<String, Object> settings;
    private TestApiServer server;
    private Kubectl kubectl;
    private Path dir;
    private boolean perTest;

    private ApiServerExtension(boolean controllers, Map<String, Object> settings) {
        this.controllers = controllers;
        this.settings = settings;
    }

    /** The registry alone: no namespace lifecycle, no event expiry. */
    public static ApiServerExtension plain() {
        return new ApiServerExtension(false, Map.of());
    }

    /** The registry activated as DS would, with these settings beyond the storage. */
    public static ApiServerExtension activated(Map<String, Object> settings) {
        return new ApiServerExtension(true, settings);
    }

    public TestApiServer server() {
        return server;
    }

    public Registry registry() {
        return server.registry;
    }

    public Kubectl kubectl() {
        return kubectl;
    }

    /** A folder of this server's own (its kubeconfig is there), removed with it. */
    public Path dir() {
        return dir;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (server == null) {
            perTest = true;
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (perTest) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (!perTest) {
            stop();
        }
    }

    private void start() throws Exception {
        dir = Files.createTempDirectory("gantry-api-test");
        server = new TestApiServer(controllers, settings);
        kubectl = Kubectl.onPath(server.kubeconfig(dir.resolve("kubeconfig")), dir);
    }

    private void stop() throws Exception {
        try {
            server.close();
        } finally {
            server = null;
            Folders.delete(dir);
        }
    }
}
