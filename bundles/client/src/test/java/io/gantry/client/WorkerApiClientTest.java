package io.gantry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.Folders;
import io.gantry.api.Configs;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.DynamicClient;
import io.gantry.api.client.ResourceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;

/**
 * The worker's client component in a real OSGi service registry (Felix, as Karaf runs it): it
 * offers the HTTP client only when configured to, and never beside an in-process API client.
 */
class WorkerApiClientTest {

    private Path storage;
    private Framework framework;
    private BundleContext context;
    private TestApiServer server;
    private final WorkerApiClient component = new WorkerApiClient();

    @BeforeEach
    void start() throws Exception {
        storage = Files.createTempDirectory("felix");
        framework = new FrameworkFactory().newFramework(Map.of(Constants.FRAMEWORK_STORAGE, storage.toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        framework.start();
        context = framework.getBundleContext();
        server = TestApiServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        component.deactivate();
        framework.stop();
        framework.waitForStop(10_000);
        server.close();
        Folders.delete(storage);
    }

    @Test
    void offersNothingUnlessEnabled() throws Exception {
        component.activate(context, config(false, server.uri().toString()));

        assertNull(context.getServiceReference(ApiClient.class));
    }

    @Test
    void offersNothingWithAServerThatIsNoUrl() throws Exception {
        component.activate(context, config(true, server.uri() + ",127.0.0.1:8081"));

        assertNull(context.getServiceReference(ApiClient.class));
    }

    @Test
    void offersTheHttpClientAsApiClientAndDynamicClient() throws Exception {
        component.activate(context, config(true, server.uri().toString()));

        ServiceReference<ApiClient> reference = context.getServiceReference(ApiClient.class);
        assertNotNull(reference);
        assertEquals("http", reference.getProperty(HttpApiClient.TRANSPORT));
        ApiClient client = context.getService(reference);
        assertEquals("default", client.get(ResourceKind.NAMESPACES, null, "default").metadata.name);
        assertSame(client, context.getService(context.getServiceReference(DynamicClient.class)));

        component.deactivate();
        assertNull(context.getServiceReference(ApiClient.class));
    }

    @Test
    void stepsAsideWhileAnApiServerRunsInTheSameJvm() throws Exception {
        ServiceRegistration<ApiClient> inProcess = context.registerService(ApiClient.class, server.registry, null);
        component.activate(context, config(true, server.uri().toString()));

        assertEquals(1, context.getServiceReferences(ApiClient.class, null).size());
        assertSame(server.registry, context.getService(context.getServiceReference(ApiClient.class)));

        inProcess.unregister();
        ServiceReference<ApiClient> http = context.getServiceReference(ApiClient.class);
        assertNotNull(http, "the HTTP client is offered once the in-process one is gone");
        assertEquals("http", http.getProperty(HttpApiClient.TRANSPORT));

        ServiceRegistration<ApiClient> back = context.registerService(ApiClient.class, server.registry, null);
        assertEquals(1, context.getServiceReferences(ApiClient.class, null).size());
        assertTrue(context.getServiceReferences(ApiClient.class, "(" + HttpApiClient.TRANSPORT + "=http)").isEmpty());
        back.unregister();
    }

    @Test
    void waitsForTheClusterToAnnounceAnApiServer() throws Exception {
        try (TestMembers members = new TestMembers()) {
            component.activate(context, config(true, ""));
            assertNull(context.getServiceReference(ApiClient.class), "no API server known yet: nothing to offer");

            component.bindHazelcast(members.worker());
            assertNull(context.getServiceReference(ApiClient.class), "the cluster has no control plane yet");
            members.controlPlane(server.uri().toString());

            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> context.getServiceReference(ApiClient.class) != null);
            ApiClient client = context.getService(context.getServiceReference(ApiClient.class));
            assertEquals("default", client.get(ResourceKind.NAMESPACES, null, "default").metadata.name);
            component.deactivate();
        }
    }

    /** The component's configuration as DS would give it: these values, the rest at their defaults. */
    private static WorkerApiClient.Config config(boolean enabled, String servers) {
        return Configs.of(WorkerApiClient.Config.class, Map.of("enabled", enabled, "servers", servers));
    }
}
