package io.gantry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.cluster.LeaderElection.Term;
import io.gantry.api.coordination.v1.Lease;
import io.gantry.api.core.v1.Binding;
import io.gantry.api.core.v1.ObjectReference;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.apiserver.Registry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writes fenced by a leader's term ({@link ApiClient#fencedBy}) against the real API server, in
 * process and over HTTP: they pass while the role's Lease names the writer, and once a successor's
 * Lease is stored a deposed leader's bind, create, update and delete are refused with 409 and
 * change nothing, while the successor's and unfenced writes pass.
 */
class FencedWritesTest {

    private static final Term OLD = new Term("kube-scheduler", "node-1", 3);
    private static final Term NEW = new Term("kube-scheduler", "node-2", 4);

    private TestApiServer server;
    private Registry registry;
    private HttpApiClient http;

    @BeforeEach
    void start() throws Exception {
        server = TestApiServer.start(TestApiServer.registry(new InMemoryStorageBackend(50)));
        registry = server.registry;
        http = new HttpApiClient(new ApiServers(List.of(server.uri())));
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-process", "http"})
    void aDeposedLeadersWritesAreRefusedAndChangeNothing(String transport) {
        Function<Term, ApiClient> fenced = term -> ("http".equals(transport) ? (ApiClient) http : registry).fencedBy(term);
        lease(OLD);
        registry.create(ResourceKind.PODS, HttpApiClientTest.pod("a"));
        registry.create(ResourceKind.PODS, HttpApiClientTest.pod("b"));

        fenced.apply(OLD).bind(binding("a", "node-x"));
        assertEquals("node-x", registry.get(ResourceKind.PODS, "default", "a").spec.nodeName);

        lease(NEW); // the successor published its term
        ApiException bind = assertThrows(ApiException.class, () -> fenced.apply(OLD).bind(binding("b", "node-x")));
        assertEquals(409, bind.code());
        assertTrue(bind.getMessage().contains("the term 3 of node-1 is over: the Lease names node-2 in term 4"),
                bind.getMessage());
        assertNull(registry.get(ResourceKind.PODS, "default", "b").spec.nodeName, "nothing was bound");

        assertEquals(409, assertThrows(ApiException.class,
                () -> fenced.apply(OLD).create(ResourceKind.PODS, HttpApiClientTest.pod("c"))).code());
        assertTrue(registry.find(ResourceKind.PODS, "default", "c").isEmpty(), "nothing was created");
        Pod b = registry.get(ResourceKind.PODS, "default", "b");
        b.metadata.labels = new java.util.HashMap<>(java.util.Map.of("changed", "yes"));
        assertEquals(409, assertThrows(ApiException.class, () -> fenced.apply(OLD).update(ResourceKind.PODS, b)).code());
        assertEquals(409, assertThrows(ApiException.class,
                () -> fenced.apply(OLD).delete(ResourceKind.PODS, "default", "a", null)).code());
        Pod a = registry.get(ResourceKind.PODS, "default", "a");
        assertNull(a.metadata.deletionTimestamp, "nothing was deleted");
        assertNull(registry.get(ResourceKind.PODS, "default", "b").metadata.labels, "nothing was updated");
        assertEquals(1, fenced.apply(OLD).list(ResourceKind.PODS, "default", null).items.stream()
                .filter(p -> p.metadata.name.equals("a")).count(), "reads pass");

        fenced.apply(NEW).bind(binding("b", "node-y"));
        assertEquals("node-y", registry.get(ResourceKind.PODS, "default", "b").spec.nodeName);
        registry.create(ResourceKind.PODS, HttpApiClientTest.pod("d")); // unfenced writes are not concerned
    }

    @ParameterizedTest
    @ValueSource(strings = {"kube-scheduler/node-1", "kube-scheduler/node-1/three", "//1"})
    void aMalformedTermIsABadRequest(String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.uri() + "/api/v1/namespaces/default/configmaps"))
                .header(ApiClient.LEADER_TERM_HEADER, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                        + "\"metadata\":{\"name\":\"x\"}}")).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().contains(ApiClient.LEADER_TERM_HEADER), response.body());
        assertTrue(registry.find(ResourceKind.CONFIG_MAPS, "default", "x").isEmpty());
    }

    private void lease(Term term) {
        Lease lease = registry.find(ResourceKind.LEASES, "kube-system", term.role()).orElseGet(() -> {
            Lease fresh = new Lease();
            fresh.metadata.name = term.role();
            fresh.metadata.namespace = "kube-system";
            return fresh;
        });
        lease.spec.holderIdentity = term.holder();
        lease.spec.leaseTransitions = (int) term.epoch();
        if (lease.metadata.resourceVersion == null) {
            registry.create(ResourceKind.LEASES, lease);
        } else {
            registry.update(ResourceKind.LEASES, lease);
        }
    }

    private static Binding binding(String pod, String node) {
        Binding binding = new Binding();
        binding.metadata.name = pod;
        binding.metadata.namespace = "default";
        binding.target = new ObjectReference();
        binding.target.kind = "Node";
        binding.target.name = node;
        return binding;
    }
}
