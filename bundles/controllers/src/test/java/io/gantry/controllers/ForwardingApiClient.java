package io.gantry.controllers;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.Watch;
import io.gantry.api.client.WatchListener;
import io.gantry.api.core.v1.Binding;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.KubeList;
import io.gantry.api.meta.v1.KubeObject;

/** The real API with some calls changed by a test: to inject a fault or a delay into one of them. */
public class ForwardingApiClient implements ApiClient {

    protected final ApiClient api;

    public ForwardingApiClient(ApiClient api) {
        this.api = api;
    }

    @Override
    public <T extends KubeObject> T create(ResourceKind<T> kind, T object) {
        return api.create(kind, object);
    }

    @Override
    public <T extends KubeObject> T get(ResourceKind<T> kind, String namespace, String name) {
        return api.get(kind, namespace, name);
    }

    @Override
    public <T extends KubeObject> KubeList<T> list(ResourceKind<T> kind, String namespace, ListOptions options) {
        return api.list(kind, namespace, options);
    }

    @Override
    public <T extends KubeObject> T update(ResourceKind<T> kind, T object) {
        return api.update(kind, object);
    }

    @Override
    public <T extends KubeObject> T updateStatus(ResourceKind<T> kind, T object) {
        return api.updateStatus(kind, object);
    }

    @Override
    public <T extends KubeObject> T delete(ResourceKind<T> kind, String namespace, String name, DeleteOptions options) {
        return api.delete(kind, namespace, name, options);
    }

    @Override
    public void bind(Binding binding) {
        api.bind(binding);
    }

    @Override
    public <T extends KubeObject> Watch watch(ResourceKind<T> kind, String namespace, ListOptions options,
                                              WatchListener<T> listener) {
        return api.watch(kind, namespace, options, listener);
    }
}
