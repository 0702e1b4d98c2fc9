package io.gantry.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.api.core.v1.Service;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Real pods behind a service the userspace datapath serves: turns, and a pod killed under load. */
class DockerBackendsTest extends DockerBackendsTestBase {

    DockerBackendsTest() {
        super(ServiceProxy.USERSPACE);
    }

    @Test
    void podsTakeTurnsAndAfterOneIsKilledUnderLoadNoRequestFails() throws Exception {
        List<String> ips = List.of("127.2.7.1", "127.2.7.2", "127.2.7.3");
        startPods(ips);
        Service service = service("web", null, port("http", 80, io.gantry.api.meta.v1.IntOrString.of("http")));
        writeEndpoints("web", List.of(httpSubset(ips)));
        String ip = service.spec.clusterIP;
        await().atMost(DEADLINE).ignoreExceptions().until(() -> get(ip).startsWith("web-"));

        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            counts.merge(get(ip), 1, Integer::sum);
        }
        assertEquals(Map.of("web-0", 10, "web-1", 10, "web-2", 10), counts);

        try (Load load = new Load(() -> get(ip), 4)) {
            step(load);
            docker("kill", containers.get(0)); // SIGKILL; the Endpoints still list it: its refusals are retried
            await().atMost(DEADLINE).until(() -> docker("inspect", "-f", "{{.State.Running}}", containers.get(0)).equals("false"));
            long dead = System.nanoTime();
            step(load);
            int servedBefore = load.count("web-0"); // answers read after the kill included
            step(load);
            load.close();
            // requests the pod (or Docker's port proxy in front of it, until the engine removes it) had accepted
            // when it was killed die with it: no L4 proxy can replay them safely. Every request sent after it
            // died is served, though the Endpoints still name the dead pod
            assertEquals(List.of(), load.failedAt.stream().filter(sent -> sent - dead > 0).toList(), load.failures::toString);
            assertEquals(servedBefore, load.count("web-0"), load.byBackend::toString);
        }
    }
}
