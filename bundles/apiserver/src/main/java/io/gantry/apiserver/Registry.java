package io.gantry.apiserver;

import io.gantry.api.Plugins;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.FieldSelector;
import io.gantry.api.client.LabelSelector;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.Watch;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.client.WatchListener;
import io.gantry.api.core.v1.Binding;
import io.gantry.api.core.v1.Namespace;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodCondition;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.KubeList;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.meta.v1.StatusCause;
import io.gantry.api.meta.v1.Times;
import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoreWatchListener;
import io.gantry.api.store.StoredEntry;
import io.gantry.api.store.StoredPage;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's semantics over a {@link StorageBackend}: names, uids, defaults, validation,
 * resource versions (an entry's modRevision), compare-and-set writes, graceful pod deletion,
 * namespace lifecycle, selectors and watch. Both the REST API and in-process components go
 * through it, so every write in the cluster gets the same checks.
 *
 * <p>Objects are stored as JSON without {@code metadata.resourceVersion}; reads set it from the
 * entry, as Kubernetes' etcd storage does.
 */
@Component(service = ApiClient.class, configurationPid = Registry.PID)
@Designate(ocd = Registry.Config.class)
public class Registry implements ApiClient {

    public static final String PID = "io.gantry.apiserver";

    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);

    @ObjectClassDefinition(name = "Gantry API server")
    public @interface Config {

        @AttributeDefinition(description = "Storage backend plugin holding the cluster state (gantry.plugin name)")
        String storage() default "hazelcast";
    }

    /** Namespaces every cluster has, which may not be deleted. */
    static final List<String> SYSTEM_NAMESPACES = List.of("default", "kube-system", "kube-public", "kube-node-lease");
    private static final int WRITE_ATTEMPTS = 5;
    private static final char[] NAME_SUFFIX = "bcdfghjklmnpqrstvwxz2456789".toCharArray();

    private final Map<String, StorageBackend> backends = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private volatile String storageName;
    private NamespaceFinalizer finalizer;

    /** For DS; the configuration comes with {@link #activate}. */
    public Registry() {
        this("hazelcast");
    }

    /** A registry on the named backend, to be given with {@link #addBackend}. */
    public Registry(String storageName) {
        this.storageName = storageName;
    }

    @Activate
    @Modified
    void activate(Config config) {
        storageName = config.storage();
        if (finalizer == null) {
            finalizer = new NamespaceFinalizer(this);
        }
        finalizer.kick();
    }

    @Deactivate
    void deactivate() {
        if (finalizer != null) {
            finalizer.close();
            finalizer = null;
        }
    }

    // --- storage backends ---

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBackend(StorageBackend backend, Map<String, Object> properties) {
        Object name = properties.get(Plugins.NAME);
        if (name != null) {
            addBackend(name.toString(), backend);
        }
    }

    void unbindBackend(StorageBackend backend, Map<String, Object> properties) {
        Object name = properties.get(Plugins.NAME);
        if (name != null) {
            removeBackend(name.toString(), backend);
        }
    }

    /** Makes a backend available under its plugin name. */
    public void addBackend(String name, StorageBackend backend) {
        backends.put(name, backend);
        LOG.info("Storage backend '{}' available{}", name, name.equals(storageName) ? " and in use" : "");
        NamespaceFinalizer current = finalizer;
        if (current != null && name.equals(storageName)) {
            current.kick();
        }
    }

    public void removeBackend(String name, StorageBackend backend) {
        if (backends.remove(name, backend) && name.equals(storageName)) {
            LOG.warn("Storage backend '{}' in use was removed: the API answers 503 until it is back", name);
        }
    }

    /** The configured backend, looked up at each use so that a swap takes effect at once. */
    StorageBackend store() {
        StorageBackend backend = backends.get(storageName);
        if (backend == null) {
            throw ApiException.unavailable("the storage backend '" + storageName + "' is not installed (installed: "
                    + String.join(", ", new TreeSet<>(backends.keySet())) + "); install its feature or change "
                    + "'storage' in io.gantry.apiserver.cfg");
        }
        return backend;
    }

    boolean hasStore() {
        return backends.containsKey(storageName);
    }

    /** Creates the namespaces every cluster has, if missing. */
    void ensureSystemNamespaces() {
        for (String name : SYSTEM_NAMESPACES) {
            if (store().get(key(ResourceKind.NAMESPACES, null, name)).isEmpty()) {
                try {
                    create(ResourceKind.NAMESPACES, new Namespace(name));
                    LOG.info("Created namespace {}", name);
                } catch (ApiException e) {
                    if (e.code() != 409) {
                        throw e;
                    }
                }
            }
        }
    }

    // --- ApiClient ---

    @Override
    public <T extends KubeObject> T create(ResourceKind<T> kind, T object) {
        T created = Json.copy(object);
        var meta = created.meta();
        created.apiVersion = kind.apiVersion();
        created.kind = kind.kind();
        if (kind.namespaced()) {
            meta.namespace = meta.namespace == null || meta.namespace.isEmpty() ? "default" : meta.namespace;
        } else {
            meta.namespace = null;
        }
        if ((meta.name == null || meta.name.isEmpty()) && meta.generateName != null && !meta.generateName.isEmpty()) {
            meta.name = meta.generateName + suffix();
        }
        List<StatusCause> causes = Validation.validate(kind, created);
        if (!causes.isEmpty()) {
            throw ApiException.invalid(kind, meta.name, causes);
        }
        if (kind.namespaced()) {
            Namespace namespace = find(ResourceKind.NAMESPACES, null, meta.namespace)
                    .orElseThrow(() -> ApiException.notFound(ResourceKind.NAMESPACES, meta.namespace));
            if (namespace.metadata.deletionTimestamp != null) {
                throw ApiException.forbidden(kind, meta.name, "unable to create new content in namespace "
                        + meta.namespace + " because it is being terminated");
            }
        }
        meta.uid = UUID.randomUUID().toString();
        meta.creationTimestamp = Times.now();
        meta.resourceVersion = null;
        meta.deletionTimestamp = null;
        meta.deletionGracePeriodSeconds = null;
        Defaults.apply(created);
        try {
            return decode(kind, store().create(key(kind, meta.namespace, meta.name), encode(created)));
        } catch (StoreException.KeyExists e) {
            throw ApiException.alreadyExists(kind, meta.name);
        }
    }

    @Override
    public <T extends KubeObject> T get(ResourceKind<T> kind, String namespace, String name) {
        return decode(kind, entry(kind, namespace, name));
    }

    @Override
    public <T extends KubeObject> KubeList<T> list(ResourceKind<T> kind, String namespace, ListOptions options) {
        Selection selection = Selection.of(options);
        StoredPage page = store().list(prefix(kind, namespace));
        List<T> items = new ArrayList<>();
        for (StoredEntry entry : page.entries()) {
            T object = decode(kind, entry);
            if (selection.test(object)) {
                items.add(object);
            }
        }
        return new KubeList<>(kind.apiVersion(), kind.listKind(), String.valueOf(page.revision()), items);
    }

    @Override
    public <T extends KubeObject> T update(ResourceKind<T> kind, T object) {
        return write(kind, object, (old, requested) -> {
            T updated = Json.copy(requested);
            updated.apiVersion = kind.apiVersion();
            updated.kind = kind.kind();
            keepSystemFields(old, updated);
            setStatus(updated, statusOf(old));
            List<StatusCause> causes = Validation.validate(kind, updated);
            if (causes.isEmpty() && old instanceof Pod oldPod) {
                causes = Validation.validatePodUpdate(oldPod, (Pod) updated);
            }
            if (!causes.isEmpty()) {
                throw ApiException.invalid(kind, updated.metadata.name, causes);
            }
            return updated;
        });
    }

    @Override
    public <T extends KubeObject> T updateStatus(ResourceKind<T> kind, T object) {
        return write(kind, object, (old, requested) -> {
            T updated = Json.copy(old);
            setStatus(updated, statusOf(requested));
            return updated;
        });
    }

    @Override
    public void bind(Binding binding) {
        String namespace = binding.metadata.namespace == null ? "default" : binding.metadata.namespace;
        String name = binding.metadata.name;
        String node = binding.target == null ? null : binding.target.name;
        if (node == null || node.isEmpty()) {
            throw ApiException.invalid(ResourceKind.PODS, name,
                    List.of(new StatusCause("FieldValueRequired", "Required value", "target.name")));
        }
        for (int attempt = 0; ; attempt++) {
            StoredEntry entry = entry(ResourceKind.PODS, namespace, name);
            Pod pod = decode(ResourceKind.PODS, entry);
            if (binding.metadata.uid != null && !binding.metadata.uid.equals(pod.metadata.uid)) {
                throw ApiException.conflict(ResourceKind.PODS, name, "Precondition failed: UID in precondition: "
                        + binding.metadata.uid + ", UID in object meta: " + pod.metadata.uid);
            }
            if (pod.metadata.deletionTimestamp != null) {
                throw ApiException.conflict(ResourceKind.PODS, name, "pod " + name + " is being deleted, cannot be assigned to a host");
            }
            if (pod.spec.nodeName != null && !pod.spec.nodeName.isEmpty()) {
                throw ApiException.conflict(ResourceKind.PODS, name, "pod " + name + " is already assigned to node \""
                        + pod.spec.nodeName + "\"");
            }
            pod.spec.nodeName = node;
            List<PodCondition> conditions = pod.status().conditions == null ? new ArrayList<>() : pod.status.conditions;
            conditions.removeIf(c -> "PodScheduled".equals(c.type));
            conditions.add(new PodCondition("PodScheduled", "True", Times.now()));
            pod.status.conditions = conditions;
            try {
                store().update(entry.key(), encode(pod), entry.modRevision());
                return;
            } catch (StoreException.Conflict e) {
                if (attempt >= WRITE_ATTEMPTS) {
                    throw ApiException.modified(ResourceKind.PODS, name);
                }
            }
        }
    }

    @Override
    public <T extends KubeObject> T delete(ResourceKind<T> kind, String namespace, String name, DeleteOptions options) {
        DeleteOptions opts = options == null ? new DeleteOptions() : options;
        for (int attempt = 0; ; attempt++) {
            StoredEntry entry = entry(kind, namespace, name);
            T old = decode(kind, entry);
            checkPreconditions(kind, old, opts);
            T marked = markForDeletion(kind, old, opts);
            try {
                if (marked == null) {
                    return decode(kind, store().delete(entry.key(), entry.modRevision()));
                }
                if (Objects.equals(Json.tree(marked), Json.tree(old))) {
                    return old;
                }
                return decode(kind, store().update(entry.key(), encode(marked), entry.modRevision()));
            } catch (StoreException.Conflict e) {
                if (attempt >= WRITE_ATTEMPTS) {
                    throw ApiException.modified(kind, name);
                }
            } catch (StoreException.KeyNotFound e) {
                throw ApiException.notFound(kind, name);
            }
        }
    }

    @Override
    public <T extends KubeObject> Watch watch(ResourceKind<T> kind, String namespace, ListOptions options,
                                              WatchListener<T> listener) {
        ListOptions opts = options == null ? ListOptions.ALL : options;
        Selection selection = Selection.of(opts);
        String prefix = prefix(kind, namespace);
        StorageBackend store = store();
        long from;
        Set<String> matching = ConcurrentHashMap.newKeySet();
        String version = opts.resourceVersion();
        if (version == null || version.isEmpty() || version.equals("0")) {
            // Kubernetes starts such a watch with the current state, as synthetic ADDED events.
            StoredPage page = store.list(prefix);
            for (StoredEntry entry : page.entries()) {
                T object = decode(kind, entry);
                if (selection.test(object)) {
                    matching.add(entry.key());
                    listener.onEvent(new WatchEvent<>(WatchEvent.Type.ADDED, object));
                }
            }
            from = page.revision();
        } else {
            from = parseVersion(version);
            if (!selection.isEmpty()) {
                for (StoredEntry entry : store.list(prefix).entries()) {
                    if (selection.test(decode(kind, entry))) {
                        matching.add(entry.key());
                    }
                }
            }
        }
        try {
            StoreWatch watch = store.watch(prefix, from, new StoreWatchListener() {
                @Override
                public void onEvent(StoreEvent event) {
                    deliver(kind, selection, matching, event, listener);
                }

                @Override
                public void onClose(StoreException cause) {
                    listener.onClose(cause == null ? null : translate(cause));
                }
            });
            return watch::close;
        } catch (StoreException e) {
            throw translate(e);
        }
    }

    // --- helpers ---

    /** Turns one store change into the watch event this watcher should see, if any. */
    private static <T extends KubeObject> void deliver(ResourceKind<T> kind, Selection selection, Set<String> matching,
                                                       StoreEvent event, WatchListener<T> listener) {
        T object = decode(kind, event.entry());
        String key = event.entry().key();
        boolean matches = selection.test(object);
        WatchEvent.Type type;
        if (selection.isEmpty()) {
            type = event.type() == StoreEvent.Type.DELETE ? WatchEvent.Type.DELETED
                    : event.isCreate() ? WatchEvent.Type.ADDED : WatchEvent.Type.MODIFIED;
        } else if (event.type() == StoreEvent.Type.DELETE) {
            if (!matching.remove(key) && !matches) {
                return;
            }
            type = WatchEvent.Type.DELETED;
        } else if (matches) {
            // An object that starts matching the selector is new to this watcher.
            type = matching.add(key) ? WatchEvent.Type.ADDED : WatchEvent.Type.MODIFIED;
        } else if (matching.remove(key)) {
            // It stopped matching the selector: for this watcher it is gone.
            type = WatchEvent.Type.DELETED;
        } else {
            return;
        }
        listener.onEvent(new WatchEvent<>(type, object));
    }

    /** Applies a change to the stored object, compare-and-set, retrying when someone else wrote first. */
    private <T extends KubeObject> T write(ResourceKind<T> kind, T requested, Change<T> change) {
        String namespace = kind.namespaced() ? requested.metadata.namespace : null;
        String name = requested.metadata.name;
        String expected = requested.metadata.resourceVersion;
        for (int attempt = 0; ; attempt++) {
            StoredEntry entry = entry(kind, namespace, name);
            if (expected != null && !expected.isEmpty() && !expected.equals(String.valueOf(entry.modRevision()))) {
                throw ApiException.modified(kind, name);
            }
            T old = decode(kind, entry);
            if (requested.metadata.uid != null && !requested.metadata.uid.isEmpty()
                    && !requested.metadata.uid.equals(old.metadata.uid)) {
                throw ApiException.conflict(kind, name, "Precondition failed: UID in precondition: "
                        + requested.metadata.uid + ", UID in object meta: " + old.metadata.uid);
            }
            T updated = change.apply(old, requested);
            updated.metadata.resourceVersion = old.metadata.resourceVersion;
            if (Objects.equals(Json.tree(updated), Json.tree(old))) {
                return old; // nothing changed: no new revision, as Kubernetes does
            }
            try {
                return decode(kind, store().update(entry.key(), encode(updated), entry.modRevision()));
            } catch (StoreException.Conflict e) {
                if (expected != null && !expected.isEmpty() || attempt >= WRITE_ATTEMPTS) {
                    throw ApiException.modified(kind, name);
                }
            } catch (StoreException.KeyNotFound e) {
                throw ApiException.notFound(kind, name);
            }
        }
    }

    /** A change computed from the stored object and the one the caller sent. */
    private interface Change<T> {
        T apply(T stored, T requested);
    }

    private <T extends KubeObject> void checkPreconditions(ResourceKind<T> kind, T old, DeleteOptions options) {
        if (options.preconditions == null) {
            return;
        }
        if (options.preconditions.uid != null && !options.preconditions.uid.equals(old.metadata.uid)) {
            throw ApiException.conflict(kind, old.metadata.name, "Precondition failed: UID in precondition: "
                    + options.preconditions.uid + ", UID in object meta: " + old.metadata.uid);
        }
        if (options.preconditions.resourceVersion != null
                && !options.preconditions.resourceVersion.equals(old.metadata.resourceVersion)) {
            throw ApiException.conflict(kind, old.metadata.name, "Precondition failed: ResourceVersion in precondition: "
                    + options.preconditions.resourceVersion + ", ResourceVersion in meta: " + old.metadata.resourceVersion);
        }
    }

    /**
     * The object marked for a graceful deletion, or null to delete it now. Pods bound to a node
     * wait for their kubelet; namespaces wait until their content is gone.
     */
    private <T extends KubeObject> T markForDeletion(ResourceKind<T> kind, T old, DeleteOptions options) {
        if (old instanceof Namespace namespace) {
            if (SYSTEM_NAMESPACES.contains(namespace.metadata.name)) {
                throw ApiException.forbidden(kind, namespace.metadata.name, "this namespace may not be deleted");
            }
            T marked = Json.copy(old);
            Namespace terminating = (Namespace) marked;
            if (terminating.metadata.deletionTimestamp == null) {
                terminating.metadata.deletionTimestamp = Times.now();
                terminating.metadata.deletionGracePeriodSeconds = 0L;
            }
            terminating.status = new Namespace.Status("Terminating");
            return marked;
        }
        if (old instanceof Pod pod) {
            boolean bound = pod.spec.nodeName != null && !pod.spec.nodeName.isEmpty();
            long grace = options.gracePeriodSeconds != null ? options.gracePeriodSeconds
                    : pod.spec.terminationGracePeriodSeconds != null ? pod.spec.terminationGracePeriodSeconds : 30;
            if (!bound || grace == 0 || isFinished(pod)) {
                return null;
            }
            T marked = Json.copy(old);
            Pod terminating = (Pod) marked;
            Long current = pod.metadata.deletionGracePeriodSeconds;
            if (current == null || grace < current) {
                terminating.metadata.deletionGracePeriodSeconds = grace;
                terminating.metadata.deletionTimestamp = Times.format(Instant.now().plusSeconds(grace));
            }
            return marked;
        }
        return null;
    }

    private static boolean isFinished(Pod pod) {
        String phase = pod.status == null ? null : pod.status.phase;
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private static void keepSystemFields(KubeObject old, KubeObject updated) {
        updated.metadata.uid = old.metadata.uid;
        updated.metadata.creationTimestamp = old.metadata.creationTimestamp;
        updated.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
        updated.metadata.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
        updated.metadata.namespace = old.metadata.namespace;
        updated.metadata.generateName = old.metadata.generateName;
        if (old instanceof Pod oldPod && updated instanceof Pod pod) {
            // Binding assigns the node; an update cannot.
            pod.spec.nodeName = oldPod.spec.nodeName;
        }
    }

    private static Object statusOf(KubeObject object) {
        if (object instanceof Pod pod) {
            return pod.status;
        }
        if (object instanceof io.gantry.api.core.v1.Node node) {
            return node.status;
        }
        if (object instanceof Namespace namespace) {
            return namespace.status;
        }
        return null;
    }

    private static void setStatus(KubeObject object, Object status) {
        if (object instanceof Pod pod) {
            pod.status = (io.gantry.api.core.v1.PodStatus) Json.copy(status);
        } else if (object instanceof io.gantry.api.core.v1.Node node) {
            node.status = (io.gantry.api.core.v1.NodeStatus) Json.copy(status);
        } else if (object instanceof Namespace namespace) {
            namespace.status = (Namespace.Status) Json.copy(status);
        }
    }

    private <T extends KubeObject> StoredEntry entry(ResourceKind<T> kind, String namespace, String name) {
        return store().get(key(kind, namespace, name)).orElseThrow(() -> ApiException.notFound(kind, name));
    }

    static String key(ResourceKind<?> kind, String namespace, String name) {
        return kind.namespaced() ? "/registry/" + kind.plural() + "/" + namespace + "/" + name
                : "/registry/" + kind.plural() + "/" + name;
    }

    static String prefix(ResourceKind<?> kind, String namespace) {
        return kind.namespaced() && namespace != null && !namespace.isEmpty()
                ? "/registry/" + kind.plural() + "/" + namespace + "/"
                : "/registry/" + kind.plural() + "/";
    }

    private static byte[] encode(KubeObject object) {
        String version = object.metadata.resourceVersion;
        object.metadata.resourceVersion = null;
        try {
            return Json.bytes(object);
        } finally {
            object.metadata.resourceVersion = version;
        }
    }

    private static <T extends KubeObject> T decode(ResourceKind<T> kind, StoredEntry entry) {
        T object = Json.read(entry.value(), kind.type());
        object.meta().resourceVersion = String.valueOf(entry.modRevision());
        return object;
    }

    private static long parseVersion(String version) {
        try {
            return Long.parseLong(version);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid resource version \"" + version + "\": must be a number");
        }
    }

    static ApiException translate(StoreException e) {
        if (e instanceof StoreException.Compacted) {
            return ApiException.expired(e.getMessage());
        }
        return ApiException.internal(e.getMessage());
    }

    private String suffix() {
        char[] chars = new char[5];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = NAME_SUFFIX[random.nextInt(NAME_SUFFIX.length)];
        }
        return new String(chars);
    }

    /** Label and field selectors of a list or watch. */
    private record Selection(LabelSelector labels, FieldSelector fields) {
        static Selection of(ListOptions options) {
            return new Selection(LabelSelector.parse(options.labelSelector()), FieldSelector.parse(options.fieldSelector()));
        }

        boolean isEmpty() {
            return labels.isEmpty() && fields.isEmpty();
        }

        boolean test(KubeObject object) {
            return labels.test(object.metadata.labels) && fields.test(object);
        }
    }
}
