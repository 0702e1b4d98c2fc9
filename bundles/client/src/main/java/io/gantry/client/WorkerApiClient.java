package io.gantry.client;

import com.hazelcast.core.HazelcastInstance;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.DynamicClient;
import java.net.URI;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API client of a worker node: on a node whose JVM runs no API server, it publishes an
 * {@link HttpApiClient} as the {@link ApiClient} and {@link DynamicClient} services (with
 * {@value HttpApiClient#TRANSPORT}={@value HttpApiClient#TRANSPORT_HTTP}), so that the kubelet and
 * the shared informers work as they do next to an API server.
 *
 * <p>Configuration decides that a node is a worker ({@code enabled}, written for worker nodes by
 * the launcher), not the order in which bundles start: a control plane never has a moment with an
 * HTTP client that its components would bind and then lose. If an in-process API client is
 * registered all the same, this one steps aside while it is there, so a JVM never offers two.
 *
 * <p>The API servers are those configured ({@code servers}); when none are, those the cluster's
 * Hazelcast members announce in their {@code gantry.api} attribute, followed as members come and go.
 * The service is offered once a server is known, so that the kubelet starts when it can reach the
 * control plane (not while this node is still joining), and stays offered if the servers go: its
 * users then see 503s and retry, as they would with an API server that stops answering.
 * The service is registered by hand, as the cluster member is, so that it can step aside without
 * the component going away.
 */
@Component(immediate = true, configurationPid = WorkerApiClient.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = WorkerApiClient.Config.class)
public class WorkerApiClient {

    public static final String PID = "io.gantry.client";

    private static final Logger LOG = LoggerFactory.getLogger(WorkerApiClient.class);
    /** Every ApiClient but an HTTP one: the in-process registry. */
    private static final String IN_PROCESS = "(&(" + Constants.OBJECTCLASS + "=" + ApiClient.class.getName() + ")(!("
            + HttpApiClient.TRANSPORT + "=" + HttpApiClient.TRANSPORT_HTTP + ")))";

    @ObjectClassDefinition(name = "Gantry API client", description = "How a worker node reaches the control plane")
    public @interface Config {

        @AttributeDefinition(description = "Publish the HTTP API client: true on nodes without an API server in their JVM")
        boolean enabled() default false;

        @AttributeDefinition(description = "API servers, http://host:port separated by commas; when empty, the URLs "
                + "the cluster's members announce in their gantry.api attribute")
        String servers() default "";

        @AttributeDefinition(description = "Seconds to wait for a connection to an API server before trying the next")
        int connectTimeoutSeconds() default 2;

        @AttributeDefinition(description = "Seconds to wait for the answer to a request")
        int requestTimeoutSeconds() default 30;

        @AttributeDefinition(description = "Times a request goes round every API server before it fails")
        int retryRounds() default 2;

        @AttributeDefinition(description = "Seconds a watch may stay silent (the server writes a blank every 2 s) "
                + "before it is taken as lost and opened again")
        int watchIdleTimeoutSeconds() default 10;

        @AttributeDefinition(description = "Objects per page when listing")
        int pageSize() default 500;
    }

    private final Object lock = new Object();
    private HazelcastInstance hazelcast;
    private MemberApiServers members;
    private HttpApiClient client;
    private boolean fromMembers;
    private BundleContext context;
    private volatile ServiceTracker<ApiClient, ApiClient> inProcess;
    private ServiceRegistration<?> registration;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindHazelcast(HazelcastInstance instance) {
        synchronized (lock) {
            closeMembers();
            hazelcast = instance;
            if (client != null && fromMembers) {
                members = new MemberApiServers(instance, client.servers(), this::serversChanged);
            }
        }
    }

    void unbindHazelcast(HazelcastInstance instance) {
        synchronized (lock) {
            if (hazelcast == instance) {
                closeMembers();
                hazelcast = null;
            }
        }
    }

    @Activate
    void activate(BundleContext bundleContext, Config config) throws InvalidSyntaxException {
        if (!config.enabled()) {
            LOG.debug("HTTP API client not enabled (etc/{}.cfg): this node uses the API server in its own JVM", PID);
            return;
        }
        List<URI> configured;
        try {
            configured = ApiServers.parse(config.servers());
        } catch (IllegalArgumentException e) {
            LOG.error("HTTP API client not started: etc/{}.cfg, servers: {}", PID, e.getMessage());
            return;
        }
        ApiTransport.Settings settings = new ApiTransport.Settings(
                Duration.ofSeconds(Math.max(1, config.connectTimeoutSeconds())),
                Duration.ofSeconds(Math.max(1, config.requestTimeoutSeconds())),
                Math.max(1, config.retryRounds()),
                Duration.ofSeconds(Math.max(3, config.watchIdleTimeoutSeconds())),
                "gantry-client");
        synchronized (lock) {
            context = bundleContext;
            fromMembers = configured.isEmpty();
            client = new HttpApiClient(new ApiServers(configured), settings, Math.max(0, config.pageSize()));
            if (fromMembers && hazelcast != null) {
                members = new MemberApiServers(hazelcast, client.servers(), this::serversChanged);
            }
        }
        LOG.info("HTTP API client enabled; API servers {}", fromMembers ? "from the cluster's members" : configured);
        inProcess = new ServiceTracker<>(bundleContext, bundleContext.createFilter(IN_PROCESS), null) {
            @Override
            public ApiClient addingService(ServiceReference<ApiClient> reference) {
                LOG.warn("An API server runs in this JVM: the HTTP API client steps aside (set enabled = false in "
                        + "etc/{}.cfg on nodes with an API server)", PID);
                unregister();
                return bundleContext.getService(reference);
            }

            @Override
            public void removedService(ServiceReference<ApiClient> reference, ApiClient service) {
                bundleContext.ungetService(reference);
                if (size() == 0) {
                    register();
                }
            }
        };
        inProcess.open();
        if (inProcess.size() == 0) {
            register();
        }
    }

    /** The members' list changed: the first server found lets the client be offered. */
    private void serversChanged() {
        ServiceTracker<ApiClient, ApiClient> tracker = inProcess;
        if (tracker != null && tracker.size() == 0) {
            register();
        }
    }

    @Deactivate
    void deactivate() {
        if (inProcess != null) {
            inProcess.close();
            inProcess = null;
        }
        unregister();
        synchronized (lock) {
            closeMembers();
            if (client != null) {
                client.close();
                client = null;
            }
            context = null;
        }
    }

    private void register() {
        synchronized (lock) {
            if (registration != null || client == null || context == null) {
                return;
            }
            if (client.servers().isEmpty()) {
                LOG.info("HTTP API client waits for an API server: none configured in etc/{}.cfg, none announced by "
                        + "the cluster's members yet", PID);
                return;
            }
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put(HttpApiClient.TRANSPORT, HttpApiClient.TRANSPORT_HTTP);
            registration = context.registerService(new String[] {ApiClient.class.getName(), DynamicClient.class.getName()},
                    client, properties);
        }
    }

    private void unregister() {
        ServiceRegistration<?> current;
        synchronized (lock) {
            current = registration;
            registration = null;
        }
        if (current != null) {
            try {
                current.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
        }
    }

    private void closeMembers() {
        if (members != null) {
            members.close();
            members = null;
        }
    }
}
