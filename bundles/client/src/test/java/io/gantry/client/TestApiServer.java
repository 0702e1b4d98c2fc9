package io.gantry.client;

import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.apiserver.ApiServlet;
import io.gantry.apiserver.Registry;
import java.net.URI;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * One real API server for the client's tests: the API server's registry over a store, its servlet
 * in a Jetty on a loopback port, registered as the OSGi whiteboard registers it (asynchronous, so
 * that watches hold no request thread). Several servers over one store are several API servers of
 * one cluster, as kube-apiservers over one etcd. A server can be stopped and started again on the
 * same port, as a restarting control plane.
 */
public final class TestApiServer implements AutoCloseable {

    public Registry registry;
    private Server jetty;
    private int port;

    private TestApiServer(Registry registry) {
        this.registry = registry;
    }

    /** A registry over the store, with the system namespaces and every kind's watch cache running. */
    public static Registry registry(InMemoryStorageBackend store) {
        Registry registry = new Registry("memory");
        registry.addBackend("memory", store);
        registry.ensureSystemNamespaces();
        registry.watches().start(registry.kinds().all());
        return registry;
    }

    /** An API server over a store of its own. */
    public static TestApiServer start() throws Exception {
        return start(registry(new InMemoryStorageBackend()));
    }

    public static TestApiServer start(Registry registry) throws Exception {
        TestApiServer server = new TestApiServer(registry);
        server.listen(0);
        return server;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Stops serving: open watches and connections end, new connections are refused. */
    public void stop() throws Exception {
        if (jetty != null) {
            jetty.stop();
            jetty = null;
        }
    }

    /** Serves again on the same port. */
    public void restart() throws Exception {
        stop();
        listen(port);
    }

    /**
     * Serves on the same port from another registry: a new API server process over the same store,
     * whose watch caches start empty.
     */
    public void restart(Registry fresh) throws Exception {
        stop();
        registry = fresh;
        listen(port);
    }

    private void listen(int wanted) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(wanted);
        connector.setReuseAddress(true);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder holder = new ServletHolder(new ApiServlet(registry));
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        server.setHandler(context);
        server.start();
        jetty = server;
        port = connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
