package io.gantry.controllers;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.EventRecorder;
import io.gantry.api.client.SharedInformers;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a controller works with during one term of leadership: the API, the JVM's shared
 * informers, an event recorder per component name, and the controller manager's configuration.
 */
public final class ControllerContext implements AutoCloseable {

    private final ApiClient api;
    private final SharedInformers informers;
    private final ControllerManager.Config config;
    private final String host;
    private final Map<String, EventRecorder> recorders = new ConcurrentHashMap<>();

    public ControllerContext(ApiClient api, SharedInformers informers, ControllerManager.Config config, String host) {
        this.api = api;
        this.informers = informers;
        this.config = config;
        this.host = host;
    }

    public ApiClient api() {
        return api;
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
