package io.gantry.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.hazelcast.core.HazelcastInstance;
import io.gantry.api.client.ResourceKind;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker finds the API servers through real Hazelcast members: control planes announce theirs
 * in the member attribute {@code gantry.api}, and the worker's list follows them as they join and
 * leave, with the client's calls going to a server so found.
 */
class MemberApiServersTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final TestMembers members = new TestMembers();

    @AfterEach
    void stop() {
        members.close();
    }

    @Test
    void theListFollowsTheControlPlanesThatJoinAndLeave() throws Exception {
        try (TestApiServer server = TestApiServer.start()) {
            HazelcastInstance plane = members.controlPlane(server.uri().toString());
            HazelcastInstance worker = members.worker();
            ApiServers servers = new ApiServers();

            try (MemberApiServers found = new MemberApiServers(worker, servers);
                 HttpApiClient client = new HttpApiClient(servers)) {
                assertEquals(List.of(server.uri()), servers.inOrder());
                server.registry.create(ResourceKind.CONFIG_MAPS, HttpApiClientTest.configMap("found", Map.of()));
                assertEquals("found", client.get(ResourceKind.CONFIG_MAPS, "default", "found").metadata.name);

                URI other = URI.create("http://127.0.0.1:18999");
                HazelcastInstance secondPlane = members.controlPlane(other + "/ignored/path");
                await().atMost(DEADLINE).until(() -> servers.inOrder().equals(List.of(server.uri(), other)));

                plane.shutdown();
                await().atMost(DEADLINE).until(() -> servers.inOrder().equals(List.of(other)));
                secondPlane.shutdown();
                await().atMost(DEADLINE).until(servers::isEmpty);
            }
        }
    }
}
