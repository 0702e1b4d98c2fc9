package io.gantry.kubelet;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.Indexes;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.SharedInformers;
import io.gantry.api.core.v1.ConfigMap;
import io.gantry.api.core.v1.Secret;
import io.gantry.api.core.v1.Service;
import io.gantry.api.meta.v1.KubeObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Secrets, config maps and services from the JVM's shared informers, so starting containers and refreshing
 * volume files never polls the API; a change is passed on at once, which is how an updated secret
 * reaches the files of the pods that mount it. Until a cache holds its first list, reads go to the
 * API.
 */
final class ApiConfigSource implements ConfigSource, AutoCloseable {

    private final ApiClient api;
    private final Informer<Secret> secrets;
    private final Informer<ConfigMap> configMaps;
    private final Informer<Service> services;
    private final BiConsumer<String, String> changed;
    private final List<Informer.Registration> handlers = new ArrayList<>();

    /** @param changed told the namespace and name of each secret or config map that changed */
    ApiConfigSource(ApiClient api, SharedInformers informers, BiConsumer<String, String> changed) {
        this.api = api;
        this.secrets = informers.informer(ResourceKind.SECRETS);
        this.configMaps = informers.informer(ResourceKind.CONFIG_MAPS);
        this.services = informers.informer(ResourceKind.SERVICES);
        this.changed = changed;
    }

    /** Starts passing changes on (each cached object first, as an add). */
    synchronized ApiConfigSource start() {
        handlers.add(secrets.addHandler(handler(changed)));
        handlers.add(configMaps.addHandler(handler(changed)));
        return this;
    }

    /** Stops passing changes on; the shared informers go on for their other users. */
    @Override
    public synchronized void close() {
        handlers.forEach(Informer.Registration::close);
        handlers.clear();
    }

    @Override
    public Map<String, byte[]> secret(String namespace, String name) {
        Secret secret = get(secrets, ResourceKind.SECRETS, namespace, name).orElse(null);
        if (secret == null) {
            return null;
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (secret.data != null) {
            secret.data.forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value)));
        }
        return data;
    }

    @Override
    public Map<String, byte[]> configMap(String namespace, String name) {
        ConfigMap configMap = get(configMaps, ResourceKind.CONFIG_MAPS, namespace, name).orElse(null);
        if (configMap == null) {
            return null;
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (configMap.data != null) {
            configMap.data.forEach((key, value) -> data.put(key, value.getBytes(StandardCharsets.UTF_8)));
        }
        if (configMap.binaryData != null) {
            configMap.binaryData.forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value)));
        }
        return data;
    }

    @Override
    public List<Service> services(String namespace) {
        return services.hasSynced() ? services.byIndex(Indexes.NAMESPACE, namespace)
                : api.list(ResourceKind.SERVICES, namespace, ListOptions.ALL).items;
    }

    private <T extends KubeObject> Optional<T> get(Informer<T> cache, ResourceKind<T> kind, String namespace, String name) {
        return cache.hasSynced() ? cache.get(namespace, name) : api.find(kind, namespace, name);
    }

    private static <T extends KubeObject> Informer.Handler<T> handler(BiConsumer<String, String> changed) {
        return new Informer.Handler<>() {
            @Override
            public void onAdd(T object) {
                changed.accept(object.metadata.namespace, object.metadata.name);
            }

            @Override
            public void onUpdate(T previous, T current) {
                changed.accept(current.metadata.namespace, current.metadata.name);
            }

            @Override
            public void onDelete(T object) {
                changed.accept(object.metadata.namespace, object.metadata.name);
            }
        };
    }
}
