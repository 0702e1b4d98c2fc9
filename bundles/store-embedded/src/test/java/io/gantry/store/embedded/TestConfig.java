package io.gantry.store.embedded;

import io.gantry.api.Configs;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The embedded store's configuration as a test sets it: a folder of the test's, a compaction every second. */
final class TestConfig {

    private TestConfig() {
    }

    static EmbeddedStore.Config in(Path folder) {
        return in(folder, Map.of());
    }

    /** The same with these settings too, the rest at their defaults. */
    static EmbeddedStore.Config in(Path folder, Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(settings);
        all.put("dataFolder", folder.toString());
        all.put("compactionIntervalSeconds", 1);
        return Configs.of(EmbeddedStore.Config.class, all);
    }
}
