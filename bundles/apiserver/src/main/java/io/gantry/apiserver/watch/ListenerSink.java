package io.gantry.apiserver.watch;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.client.WatchListener;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.KubeObject;
import java.io.IOException;

/**
 * A watcher of the cache as the in-process {@code ApiClient.watch} hands it on: each item turned
 * into the kind's Java type (a copy per watcher, since typed objects are the caller's to change).
 */
public final class ListenerSink<T extends KubeObject> implements WatchSink {

    private final ResourceKind<T> kind;
    private final WatchListener<T> listener;

    private ListenerSink(ResourceKind<T> kind, WatchListener<T> listener) {
        this.kind = kind;
        this.listener = listener;
    }

    public static <T extends KubeObject> ListenerSink<T> of(ResourceKind<T> kind, WatchListener<T> listener) {
        return new ListenerSink<>(kind, listener);
    }

    @Override
    public void onEvent(WatchItem item) {
        // A bookmark becomes an object with only kind, apiVersion and metadata.resourceVersion.
        T object;
        try {
            object = item.as(kind.type());
        } catch (IOException e) {
            throw new IllegalArgumentException(kind.qualifiedName() + " cannot be read as " + kind.kind() + ": "
                    + (e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage()), e);
        }
        listener.onEvent(new WatchEvent<>(item.type(), object));
    }

    @Override
    public void onClose(ApiException cause) {
        listener.onClose(cause);
    }
}
