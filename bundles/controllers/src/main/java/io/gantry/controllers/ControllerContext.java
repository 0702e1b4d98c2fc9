package io.gantry.controllers;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiResource;
import io.gantry.api.client.EventRecorder;
import io.gantry.api.client.SharedInformers;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a controller works with during one term of leadership: the API, the kinds it serves, the
 * JVM's shared informers, an event recorder per component name, and the controller manager's
 * configuration.
 */
public final class ControllerContext implements AutoCloseable {

    private final ApiClient api;
    private final List<ApiResource> served;
    private final SharedInformers informers;
    private final ControllerManager.Config config;
    private final String host;
    private final Map<String, EventRecorder> recorders = new ConcurrentHashMap<>();

    /** @param served every kind the API serves, as discovery lists them; empty if the client cannot tell */
    public ControllerContext(ApiClient api, List<ApiResource> served, SharedInformers informers,
                             ControllerManager.Config config, String host) {
        this.api = api;
        this.served = List.copyOf(served);
        this.informers = informers;
        this.config = config;
        this.host = host;
    }

    public ApiClient api() {
        return api;
    }

    /** Every kind the API serves, typed in {@link io.gantry.api.client.ResourceKind} or not; empty if unknown. */
    public List<ApiResource> served() {
        return served;
    }

    public SharedInformers informers() {
        return informers;
    }

    public ControllerManager.Config config() {
        return config;
    }

    /** The event recorder of one component ({@code replicaset-controller}), made once per term. */
    public EventRecorder events(String component) {
        return recorders.computeIfAbsent(component, c -> new EventRecorder(api, c, host));
    }

    @Override
    public void close() {
        recorders.values().forEach(EventRecorder::close);
        recorders.clear();
    }
}
