package io.gantry.store.etcd;

import io.gantry.api.Configs;
import io.gantry.api.store.StorageBackendThroughput;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures creates per second and their latency against a real etcd, for one and for eight
 * writers; prints the numbers and asserts nothing about speed. Run it with
 * {@code -Dgantry.measure=true}.
 */
@EnabledIfSystemProperty(named = "gantry.measure", matches = "true")
class EtcdStoreThroughput {

    @TempDir
    Path folder;

    @Test
    void measure() throws Exception {
        try (EtcdServer etcd = new EtcdServer(folder)) {
            EtcdStore store = new EtcdStore(Configs.of(EtcdStore.Config.class,
                    Map.of("endpoints", etcd.endpoint().toString(), "compactionIntervalMinutes", 0)));
            try {
                for (int writers : new int[] {1, 8}) {
                    System.out.printf("etcd writers=%d: %s%n", writers, StorageBackendThroughput.measure(store, writers));
                }
            } finally {
                store.deactivate();
            }
        }
    }
}
