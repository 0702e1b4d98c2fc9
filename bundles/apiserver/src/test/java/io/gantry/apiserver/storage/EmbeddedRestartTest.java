package io.gantry.apiserver.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.ConfigMap;
import io.gantry.api.core.v1.Namespace;
import io.gantry.api.core.v1.Secret;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.apiserver.Registry;
import io.gantry.store.embedded.EmbeddedStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart of the API server on the embedded backend: a new registry over a new store on the same
 * folder finds every object it had, at the same resourceVersion, and writes go on above them.
 */
class EmbeddedRestartTest {

    @TempDir
    Path folder;

    @Test
    void aRegistryOnTheSameFolderFindsEveryObjectAtItsResourceVersion() {
        Map<String, String> before = new TreeMap<>();
        EmbeddedStore first = RealBackends.embedded(folder);
        Registry registry = new Registry("embedded");
        registry.addBackend("embedded", first);
        try {
            registry.ensureSystemNamespaces();
            Namespace team = new Namespace();
            team.metadata.name = "team";
            registry.create(ResourceKind.NAMESPACES, team);
            for (int i = 0; i < 50; i++) {
                ConfigMap configMap = registry.create(ResourceKind.CONFIG_MAPS, configMap(i % 2 == 0 ? "default" : "team", "c" + i));
                if (i % 5 == 0) {
                    configMap.data = Map.of("value", "updated");
                    registry.update(ResourceKind.CONFIG_MAPS, configMap);
                }
            }
            Secret secret = new Secret();
            secret.metadata.name = "s";
            secret.metadata.namespace = "team";
            secret.stringData = Map.of("password", "x");
            registry.create(ResourceKind.SECRETS, secret);
            registry.delete(ResourceKind.CONFIG_MAPS, "default", "c0", new DeleteOptions());
            before.putAll(versions(registry));
        } finally {
            registry.watches().close();
            RealBackends.deactivate(first);
        }

        EmbeddedStore second = RealBackends.embedded(folder);
        Registry restarted = new Registry("embedded");
        restarted.addBackend("embedded", second);
        try {
            Map<String, String> after = versions(restarted);

            assertEquals(before, after);
            assertEquals(Map.of("value", "updated"), restarted.get(ResourceKind.CONFIG_MAPS, "team", "c5").data);
            long highest = after.values().stream().mapToLong(Long::parseLong).max().orElseThrow();
            ConfigMap later = restarted.create(ResourceKind.CONFIG_MAPS, configMap("default", "after-restart"));
            assertEquals(true, Long.parseLong(later.metadata.resourceVersion) > highest,
                    "a write after the restart got resourceVersion " + later.metadata.resourceVersion
                            + ", not above the " + highest + " stored before");
        } finally {
            restarted.watches().close();
            RealBackends.deactivate(second);
        }
    }

    /** Every object the registry holds, by kind/namespace/name, with its resourceVersion. */
    private static Map<String, String> versions(Registry registry) {
        Map<String, String> versions = new TreeMap<>();
        for (ResourceKind<?> kind : List.of(ResourceKind.NAMESPACES, ResourceKind.SERVICE_ACCOUNTS,
                ResourceKind.CONFIG_MAPS, ResourceKind.SECRETS)) {
            for (KubeObject item : registry.list(kind, null, ListOptions.ALL).items) {
                versions.put(kind.plural() + "/" + item.metadata.namespace + "/" + item.metadata.name,
                        item.metadata.resourceVersion);
            }
        }
        return versions;
    }

    private static ConfigMap configMap(String namespace, String name) {
        ConfigMap configMap = new ConfigMap();
        configMap.metadata.name = name;
        configMap.metadata.namespace = namespace;
        configMap.data = Map.of("value", "v");
        return configMap;
    }
}
