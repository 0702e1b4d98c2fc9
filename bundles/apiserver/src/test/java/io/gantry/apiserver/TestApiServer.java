package io.gantry.apiserver;

import io.gantry.api.Configs;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.api.store.StoredEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * The API servlet in Jetty on 127.0.0.1 (a free port) over an in-memory backend, with the system
 * namespaces made, as end-to-end tests drive it with real clients. With {@code controllers}, the
 * registry is activated as DS would, so namespaces get their default service account and deleted
 * namespaces are emptied and removed.
 */
public final class TestApiServer implements AutoCloseable {

    public final Registry registry;
    public final InMemoryStorageBackend backend;
    private final Server jetty;
    private final String url;
    private final boolean controllers;

    public TestApiServer(boolean controllers) throws Exception {
        this(controllers, Map.of());
    }

    /** @param settings the API server's configuration beyond the storage, when activated */
    public TestApiServer(boolean controllers, Map<String, Object> settings) throws Exception {
        this.controllers = controllers;
        backend = new InMemoryStorageBackend();
        registry = new Registry("memory");
        registry.addBackend("memory", backend);
        registry.ensureSystemNamespaces();
        if (controllers) {
            Map<String, Object> config = new java.util.HashMap<>(settings);
            config.put("storage", "memory");
            registry.activate(Configs.of(Registry.Config.class, config));
        }
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder holder = new ServletHolder(new ApiServlet(registry));
        holder.setAsyncSupported(true); // as the OSGi whiteboard registers it: watches hold no request thread
        context.addServlet(holder, "/*");
        jetty.setHandler(context);
        jetty.start();
        url = "http://127.0.0.1:" + connector.getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return url;
    }

    /** Writes a kubeconfig for this server (context namespace default) and returns its path. */
    public Path kubeconfig(Path file) throws IOException {
        Kubeconfig.write(file, url);
        return file;
    }

    /** The whole stored state: every key with its revision and value, and the store's revision. */
    public Snapshot snapshot() {
        Map<String, String> entries = new TreeMap<>();
        for (StoredEntry entry : backend.list("/").entries()) {
            entries.put(entry.key(), entry.modRevision() + " " + new String(entry.value(), StandardCharsets.UTF_8));
        }
        return new Snapshot(backend.currentRevision(), entries);
    }

    /** The backend's state at one moment. */
    public record Snapshot(long revision, Map<String, String> entries) {
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
        if (controllers) {
            registry.deactivate();
        }
    }
}
