package io.gantry.apiserver.watch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
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
    private final ObjectReader reader;

    private ListenerSink(ResourceKind<T> kind, ObjectReader reader, WatchListener<T> listener) {
        this.kind = kind;
        this.reader = reader;
        this.listener = listener;
    }

    public static <T extends KubeObject> ListenerSink<T> of(ResourceKind<T> kind, WatchListener<T> listener) {
        return of(kind, false, listener);
    }

    /** @param stripManagedFields whether the objects come without metadata.managedFields */
    public static <T extends KubeObject> ListenerSink<T> of(ResourceKind<T> kind, boolean stripManagedFields,
                                                            WatchListener<T> listener) {
        return new ListenerSink<>(kind, Json.reader(kind.type(), stripManagedFields), listener);
    }

    @Override
    public void onEvent(WatchItem item) {
        // A bookmark becomes an object with only kind, apiVersion and metadata.resourceVersion.
        T object;
        try {
            object = item.as(reader);
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
