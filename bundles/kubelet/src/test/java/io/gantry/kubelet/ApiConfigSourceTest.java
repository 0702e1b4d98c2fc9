package io.gantry.kubelet;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.client.Informer;
import io.gantry.api.client.Informers;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.ConfigMap;
import io.gantry.api.core.v1.Secret;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The kubelet's secrets and config maps, read from the JVM's shared informers. */
class ApiConfigSourceTest {

    private final FakeApi api = new FakeApi();
    private final Informers informers = new Informers(api);
    private final List<String> changed = new CopyOnWriteArrayList<>();
    private final ApiConfigSource source = new ApiConfigSource(api, informers, (namespace, name) -> changed.add(namespace + "/" + name));

    @AfterEach
    void stop() {
        source.close();
        informers.close();
        api.close();
    }

    @Test
    void readsFromTheSharedCachesAndPassesChangesOn() {
        source.start();
        ConfigMap configMap = api.create(ResourceKind.CONFIG_MAPS, configMap("settings", "one"));
        Secret secret = new Secret();
        secret.metadata.name = "password";
        secret.metadata.namespace = "default";
        secret.data = Map.of("password", Base64.getEncoder().encodeToString("s3cret".getBytes(UTF_8)));
        api.create(ResourceKind.SECRETS, secret);
        await().atMost(Duration.ofSeconds(10)).until(() -> changed.containsAll(List.of("default/settings", "default/password")));

        configMap.data = Map.of("mode", "two");
        api.update(ResourceKind.CONFIG_MAPS, configMap);

        await().atMost(Duration.ofSeconds(10)).until(() -> "two".equals(text(source.configMap("default", "settings"), "mode")));
        assertArrayEquals("s3cret".getBytes(UTF_8), source.secret("default", "password").get("password"));
        assertTrue(informers.informer(ResourceKind.CONFIG_MAPS).hasSynced(), "read through the shared informer");
    }

    @Test
    void closingStopsTheCallsButNotTheSharedInformer() {
        source.start();
        api.create(ResourceKind.CONFIG_MAPS, configMap("first", "one"));
        await().atMost(Duration.ofSeconds(10)).until(() -> changed.contains("default/first"));
        List<String> others = new CopyOnWriteArrayList<>();
        Informer.Registration other = informers.informer(ResourceKind.CONFIG_MAPS).addHandler(new Informer.Handler<>() {
            @Override
            public void onAdd(ConfigMap object) {
                others.add(object.metadata.name);
            }
        });

        source.close();
        api.create(ResourceKind.CONFIG_MAPS, configMap("second", "two"));

        await().atMost(Duration.ofSeconds(10)).until(() -> others.contains("second"));
        other.close();
        assertEquals(List.of("default/first"), changed);
    }

    private static String text(Map<String, byte[]> data, String key) {
        return data == null || data.get(key) == null ? null : new String(data.get(key), UTF_8);
    }

    private static ConfigMap configMap(String name, String mode) {
        ConfigMap configMap = new ConfigMap();
        configMap.metadata.name = name;
        configMap.metadata.namespace = "default";
        configMap.data = Map.of("mode", mode);
        return configMap;
    }
}
