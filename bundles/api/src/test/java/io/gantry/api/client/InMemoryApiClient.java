package io.gantry.api.client;

import io.gantry.api.core.v1.Binding;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.KubeList;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoreWatchListener;
import io.gantry.api.store.StoredEntry;
import io.gantry.api.store.StoredPage;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link ApiClient} over a storage backend in memory, for unit tests of components and
 * informers: the API's resourceVersions (the entry's modRevision), compare-and-set updates,
 * selectors and watches from a revision, without the API server's defaults and validation.
 *
 * <p>Tests can break watches the way networks and servers do: {@link #severWatches} silently
 * stops their events (a hung connection), {@link #expireWatches} ends them with 410 Expired.
 */
public class InMemoryApiClient implements ApiClient {

    private final StorageBackend store;
    private final List<OpenWatch> watches = new CopyOnWriteArrayList<>();

    public InMemoryApiClient() {
        this(new InMemoryStorageBackend());
    }

    public InMemoryApiClient(StorageBackend store) {
        this.store = store;
    }

    public StorageBackend store() {
        return store;
    }

    /** The watches open now. */
    public int openWatches() {
        return watches.size();
    }

    /** Open watches deliver nothing more, and are not told: as a connection that hangs. */
    public void severWatches() {
        watches.forEach(w -> w.severed = true);
    }

    /** Ends every open watch with 410 Expired, as a server whose history moved past them. */
    public void expireWatches() {
        for (OpenWatch watch : watches) {
            watch.end(ApiException.expired("too old resource version: 1 (2)"));
        }
    }

    @Override
    public <T extends KubeObject> T create(ResourceKind<T> kind, T object) {
        T created = Json.copy(object);
        created.apiVersion = kind.apiVersion();
        created.kind = kind.kind();
        var meta = created.meta();
        meta.namespace = kind.namespaced() ? (meta.namespace == null || meta.namespace.isEmpty() ? "default" : meta.namespace) : null;
        meta.uid = UUID.randomUUID().toString();
        meta.resourceVersion = null;
        try {
            return decode(kind, store.create(key(kind, meta.namespace, meta.name), encode(created)));
        } catch (StoreException.KeyExists e) {
            throw ApiException.alreadyExists(kind, meta.name);
        }
    }

    @Override
    public <T extends KubeObject> T get(ResourceKind<T> kind, String namespace, String name) {
        return decode(kind, store.get(key(kind, namespace, name)).orElseThrow(() -> ApiException.notFound(kind, name)));
    }

    @Override
    public <T extends KubeObject> KubeList<T> list(ResourceKind<T> kind, String namespace, ListOptions options) {
        ListOptions opts = options == null ? ListOptions.ALL : options;
        StoredPage page = store.list(prefix(kind, namespace));
        List<T> items = new ArrayList<>();
        for (StoredEntry entry : page.entries()) {
            T object = decode(kind, entry);
            if (selects(opts, object)) {
                items.add(object);
            }
        }
        return new KubeList<>(kind.apiVersion(), kind.listKind(), String.valueOf(page.revision()), items);
    }

    @Override
    public <T extends KubeObject> T update(ResourceKind<T> kind, T object) {
        String namespace = kind.namespaced() ? object.metadata.namespace : null;
        String version = object.metadata.resourceVersion;
        long expected = version == null || version.isEmpty() ? 0 : Long.parseLong(version);
        try {
            return decode(kind, store.update(key(kind, namespace, object.metadata.name), encode(object), expected));
        } catch (StoreException.KeyNotFound e) {
            throw ApiException.notFound(kind, object.metadata.name);
        } catch (StoreException.Conflict e) {
            throw ApiException.modified(kind, object.metadata.name);
        }
    }

    @Override
    public <T extends KubeObject> T updateStatus(ResourceKind<T> kind, T object) {
        return update(kind, object);
    }

    @Override
    public <T extends KubeObject> T delete(ResourceKind<T> kind, String namespace, String name, DeleteOptions options) {
        try {
            return decode(kind, store.delete(key(kind, namespace, name), 0));
        } catch (StoreException.KeyNotFound e) {
            throw ApiException.notFound(kind, name);
        }
    }

    @Override
    public void bind(Binding binding) {
        Pod pod = get(ResourceKind.PODS, binding.metadata.namespace, binding.metadata.name);
        pod.spec.nodeName = binding.target.name;
        update(ResourceKind.PODS, pod);
    }

    @Override
    public <T extends KubeObject> Watch watch(ResourceKind<T> kind, String namespace, ListOptions options,
                                              WatchListener<T> listener) {
        ListOptions opts = options == null ? ListOptions.ALL : options;
        String version = opts.resourceVersion();
        long from = version == null || version.isEmpty() || version.equals("0") ? store.currentRevision() : Long.parseLong(version);
        OpenWatch open = new OpenWatch(listener);
        try {
            open.storeWatch = store.watch(prefix(kind, namespace), from, new StoreWatchListener() {
                @Override
                public void onEvent(StoreEvent event) {
                    T object = decode(kind, event.entry());
                    if (!open.severed && selects(opts, object)) {
                        WatchEvent.Type type = event.type() == StoreEvent.Type.DELETE ? WatchEvent.Type.DELETED
                                : event.isCreate() ? WatchEvent.Type.ADDED : WatchEvent.Type.MODIFIED;
                        listener.onEvent(new WatchEvent<>(type, object));
                    }
                }

                @Override
                public void onClose(StoreException cause) {
                    open.end(cause == null ? null : ApiException.internal(cause.getMessage()));
                }
            });
        } catch (StoreException.Compacted e) {
            throw ApiException.expired(e.getMessage());
        }
        watches.add(open);
        return open::close;
    }

    private static boolean selects(ListOptions options, KubeObject object) {
        return LabelSelector.parse(options.labelSelector()).test(object.metadata.labels)
                && FieldSelector.parse(options.fieldSelector()).test(object);
    }

    private static String key(ResourceKind<?> kind, String namespace, String name) {
        return kind.namespaced() ? "/registry/" + kind.plural() + "/" + namespace + "/" + name
                : "/registry/" + kind.plural() + "/" + name;
    }

    private static String prefix(ResourceKind<?> kind, String namespace) {
        return kind.namespaced() && namespace != null && !namespace.isEmpty()
                ? "/registry/" + kind.plural() + "/" + namespace + "/"
                : "/registry/" + kind.plural() + "/";
    }

    private static byte[] encode(KubeObject object) {
        KubeObject copy = Json.copy(object);
        copy.metadata.resourceVersion = null;
        return Json.bytes(copy);
    }

    private static <T extends KubeObject> T decode(ResourceKind<T> kind, StoredEntry entry) {
        T object = Json.read(entry.value(), kind.type());
        object.meta().resourceVersion = String.valueOf(entry.modRevision());
        return object;
    }

    /** One open watch and how it ends: once, by its owner or by the test. */
    private final class OpenWatch {
        private final WatchListener<?> listener;
        private StoreWatch storeWatch;
        private volatile boolean severed;
        private boolean ended;

        OpenWatch(WatchListener<?> listener) {
            this.listener = listener;
        }

        void close() {
            end(null);
        }

        void end(ApiException cause) {
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
            }
            watches.remove(this);
            severed = true;
            if (storeWatch != null) {
                storeWatch.close();
            }
            listener.onClose(cause);
        }
    }
}
