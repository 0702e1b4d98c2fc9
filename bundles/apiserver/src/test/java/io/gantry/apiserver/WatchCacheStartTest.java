package io.gantry.apiserver;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gantry.api.Configs;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.Watch;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.client.WatchListener;
import io.gantry.api.core.v1.ConfigMap;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.api.store.migration.Migration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry starts every kind's watch cache when it activates and after a migration, so that a
 * selector watch from the revision of an earlier list (what an informer does first) is served,
 * not told 410.
 */
class WatchCacheStartTest {

    private static final ListOptions APP_X = ListOptions.labels("app=x");

    private final Registry registry = new Registry("memory");

    WatchCacheStartTest() {
        registry.addBackend("memory", new InMemoryStorageBackend());
        registry.ensureSystemNamespaces();
    }

    @AfterEach
    void stop() {
        registry.deactivate();
    }

    @Test
    void aSelectorWatchFromAListMadeBeforeItsFirstWatchGetsEveryLaterChange() {
        registry.activate(config());
        registry.create(ResourceKind.CONFIG_MAPS, configMap("a"));
        String listed = registry.list(ResourceKind.CONFIG_MAPS, "default", APP_X).metadata.resourceVersion;
        registry.create(ResourceKind.CONFIG_MAPS, configMap("b"));
        registry.create(ResourceKind.CONFIG_MAPS, configMap("c"));
        List<String> seen = new CopyOnWriteArrayList<>();

        Watch watch = registry.watch(ResourceKind.CONFIG_MAPS, "default", APP_X.from(listed), recorder(seen));
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 2);
            assertEquals(List.of("ADDED b", "ADDED c"), seen);
        } finally {
            watch.close();
        }
    }

    @Test
    void afterAMigrationTheCachesStartOnTheNewBackend() {
        registry.addBackend("other", new InMemoryStorageBackend());
        registry.activate(config());
        registry.create(ResourceKind.CONFIG_MAPS, configMap("a"));

        assertEquals(Migration.State.DONE, registry.migrate("other", step -> { }).state());
        String listed = registry.list(ResourceKind.CONFIG_MAPS, "default", APP_X).metadata.resourceVersion;
        registry.create(ResourceKind.CONFIG_MAPS, configMap("b"));
        List<String> seen = new CopyOnWriteArrayList<>();

        Watch watch = registry.watch(ResourceKind.CONFIG_MAPS, "default", APP_X.from(listed), recorder(seen));
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> !seen.isEmpty());
            assertEquals(List.of("ADDED b"), seen);
        } finally {
            watch.close();
        }
    }

    @Test
    void withoutTheStartTheSameWatchIsToldToListAgain() {
        // what the start at activation avoids: a cache started by this very watch holds nothing older
        registry.create(ResourceKind.CONFIG_MAPS, configMap("a"));
        String listed = registry.list(ResourceKind.CONFIG_MAPS, "default", APP_X).metadata.resourceVersion;
        registry.create(ResourceKind.CONFIG_MAPS, configMap("b"));

        ApiException expired = assertThrows(ApiException.class, () -> registry.watch(ResourceKind.CONFIG_MAPS, "default",
                APP_X.from(listed), new WatchListener<ConfigMap>() {
                    @Override
                    public void onEvent(WatchEvent<ConfigMap> event) {
                    }

                    @Override
                    public void onClose(ApiException cause) {
                    }
                }));
        assertEquals(410, expired.code());
    }

    private static WatchListener<ConfigMap> recorder(List<String> seen) {
        return new WatchListener<>() {
            @Override
            public void onEvent(WatchEvent<ConfigMap> event) {
                seen.add(event.type() + " " + event.object().metadata.name);
            }

            @Override
            public void onClose(ApiException cause) {
                seen.add("closed " + (cause == null ? "" : cause.code()));
            }
        };
    }

    private static ConfigMap configMap(String name) {
        ConfigMap configMap = new ConfigMap();
        configMap.metadata.name = name;
        configMap.metadata.namespace = "default";
        configMap.metadata.labels = Map.of("app", "x");
        configMap.data = Map.of("key", "value");
        return configMap;
    }

    private static Registry.Config config() {
        return Configs.of(Registry.Config.class, Map.of("storage", "memory"));
    }
}
