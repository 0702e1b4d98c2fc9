package io.gantry.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoreWatchListener;
import io.gantry.api.store.StoredEntry;
import io.gantry.api.store.StoredPage;
import io.gantry.apiserver.registry.KindStrategy;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * API watches over the store's watch: from a resourceVersion (every later change, once, in
 * order) or from now with the current objects first as ADDED, with the selector rules of
 * Kubernetes (an object that starts matching is ADDED for this watcher, one that stops is
 * DELETED).
 */
public class Watches {

    private final Supplier<StorageBackend> backend;

    public Watches(Supplier<StorageBackend> backend) {
        this.backend = backend;
    }

    /** Opens a watch; closing the handle ends it without a cause. */
    public AutoCloseable watch(KindStrategy kind, String namespace, Selection selection, String resourceVersion,
                               WatchSink sink) {
        String prefix = ResourceStore.prefix(kind, namespace);
        StorageBackend store = backend.get();
        Set<String> matching = ConcurrentHashMap.newKeySet();
        long from;
        if (resourceVersion == null || resourceVersion.isEmpty() || resourceVersion.equals("0")) {
            StoredPage page = store.list(prefix);
            for (StoredEntry entry : page.entries()) {
                ObjectNode object = ResourceStore.decode(entry);
                if (selection.test(object)) {
                    matching.add(entry.key());
                    sink.onEvent("ADDED", object);
                }
            }
            from = page.revision();
        } else {
            from = parseVersion(resourceVersion);
            if (!selection.isEmpty()) {
                for (StoredEntry entry : store.list(prefix).entries()) {
                    if (selection.test(ResourceStore.decode(entry))) {
                        matching.add(entry.key());
                    }
                }
            }
        }
        try {
            StoreWatch watch = store.watch(prefix, from, new StoreWatchListener() {
                @Override
                public void onEvent(StoreEvent event) {
                    deliver(selection, matching, event, sink);
                }

                @Override
                public void onClose(StoreException cause) {
                    sink.onClose(cause == null ? null : ResourceStore.storeFailure(cause));
                }
            });
            return watch::close;
        } catch (StoreException e) {
            throw ResourceStore.storeFailure(e);
        }
    }

    private static void deliver(Selection selection, Set<String> matching, StoreEvent event, WatchSink sink) {
        ObjectNode object = ResourceStore.decode(event.entry());
        String key = event.entry().key();
        String type;
        if (selection.isEmpty()) {
            type = event.type() == StoreEvent.Type.DELETE ? "DELETED" : event.isCreate() ? "ADDED" : "MODIFIED";
        } else {
            boolean matches = selection.test(object);
            if (event.type() == StoreEvent.Type.DELETE) {
                if (!matching.remove(key) && !matches) {
                    return;
                }
                type = "DELETED";
            } else if (matches) {
                type = matching.add(key) ? "ADDED" : "MODIFIED";
            } else if (matching.remove(key)) {
                type = "DELETED";
            } else {
                return;
            }
        }
        sink.onEvent(type, object);
    }

    static long parseVersion(String version) {
        try {
            return Long.parseLong(version);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid resource version \"" + version + "\": must be a number");
        }
    }
}
