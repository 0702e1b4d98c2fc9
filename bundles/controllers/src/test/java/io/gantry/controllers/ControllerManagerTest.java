package io.gantry.controllers;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.gantry.api.client.InMemoryApiClient;
import io.gantry.api.client.Informers;
import io.gantry.api.cluster.SoleLeader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The manager runs its controllers only while it leads, fresh ones each term. */
class ControllerManagerTest {

    @Test
    void controllersRunOnlyWhileLeadingAndAreMadeAfreshEachTerm() {
        InMemoryApiClient api = new InMemoryApiClient();
        SoleLeader election = new SoleLeader();
        AtomicInteger made = new AtomicInteger();
        AtomicInteger open = new AtomicInteger();
        Controller.Factory factory = context -> {
            made.incrementAndGet();
            return new Controller() {
                @Override
                public String name() {
                    return "test-controller";
                }

                @Override
                public void start() {
                    open.incrementAndGet();
                }

                @Override
                public void close() {
                    open.decrementAndGet();
                }
            };
        };
        try (Informers informers = new Informers(api)) {
            ControllerManager manager = new ControllerManager(api, informers, election, config(), List.of(factory));
            await().atMost(Duration.ofSeconds(5)).until(manager::isRunning);
            assertEquals(1, open.get());

            election.depose();
            assertFalse(manager.isRunning());
            assertEquals(0, open.get());

            election.elect();
            await().atMost(Duration.ofSeconds(5)).until(manager::isRunning);
            assertEquals(2, made.get());
            assertEquals(1, open.get());

            manager.close();
            assertEquals(0, open.get());
        }
    }

    static ControllerManager.Config config() {
        return TestControlPlane.config();
    }
}
