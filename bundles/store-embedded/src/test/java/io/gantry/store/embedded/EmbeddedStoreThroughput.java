package io.gantry.store.embedded;

import io.gantry.api.store.StorageBackendThroughput;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures creates per second and their latency, with and without group commit, for one and for
 * eight writers; prints the numbers and asserts nothing about speed. Run it with
 * {@code -Dgantry.measure=true}.
 */
@EnabledIfSystemProperty(named = "gantry.measure", matches = "true")
class EmbeddedStoreThroughput {

    @TempDir
    Path folder;

    @Test
    void measure() throws Exception {
        for (boolean group : new boolean[] {false, true}) {
            for (int writers : new int[] {1, 8}) {
                EmbeddedStore store = new EmbeddedStore(
                        TestConfig.in(folder.resolve(group + "-" + writers), Map.of("groupCommit", group)));
                try {
                    String result = StorageBackendThroughput.measure(store, writers);
                    System.out.printf("embedded groupCommit=%s writers=%d: %s; file %d kB%n", group, writers, result,
                            java.nio.file.Files.size(folder.resolve(group + "-" + writers).resolve("gantry-store.mv.db")) / 1024);
                } finally {
                    store.deactivate();
                }
            }
        }
    }
}
