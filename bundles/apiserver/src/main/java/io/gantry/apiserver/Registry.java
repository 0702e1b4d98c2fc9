package io.gantry.apiserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Plugins;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ApiResource;
import io.gantry.api.client.DynamicClient;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.Watch;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.client.WatchListener;
import io.gantry.api.cluster.LeaderElection;
import io.gantry.api.core.v1.Binding;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.KubeList;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoredEntry;
import io.gantry.api.store.StoredPage;
import io.gantry.api.store.migration.Migration;
import io.gantry.api.store.migration.StorageMigrations;
import io.gantry.apiserver.storage.StorageSwitch;
import io.gantry.apiserver.watch.ListenerSink;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import io.gantry.apiserver.kinds.service.ServiceRanges;
import io.gantry.apiserver.kinds.service.ServiceStrategy;
import io.gantry.apiserver.registry.BuiltInKinds;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Kinds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * The API server's registry: the kinds it serves, the storage backend in use, and the
 * Kubernetes semantics over them ({@link ResourceStore}, {@link Watches}). The REST API and
 * in-process components both go through it, so every write in the cluster gets the same
 * checks; for components it is the {@link ApiClient} service, converting their typed objects
 * to and from the trees it stores.
 */
@Component(service = {ApiClient.class, DynamicClient.class, StorageMigrations.class, Registry.class}, configurationPid = Registry.PID)
@Designate(ocd = Registry.Config.class)
public class Registry implements ApiClient, DynamicClient, StorageMigrations {

    public static final String PID = "io.gantry.apiserver";

    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);

    @ObjectClassDefinition(name = "Gantry API server")
    public @interface Config {

        @AttributeDefinition(description = "Storage backend plugin holding the cluster state (gantry.plugin name)")
        String storage() default "embedded";

        @AttributeDefinition(description = "IPv4 CIDR services get cluster IPs from (every API server of a cluster the same)")
        String serviceClusterIPRange() default "127.96.0.0/16";

        @AttributeDefinition(description = "Ports NodePort services get node ports from, FIRST-LAST")
        String serviceNodePortRange() default "30000-32767";

        @AttributeDefinition(description = "Seconds an event is kept after it was last seen (kube-apiserver's --event-ttl)")
        long eventTTLSeconds() default 3600;
    }

    private final StorageSwitch storage;
    private final StorageBackend gated;
    private final Kinds kinds;
    private final ResourceStore store;
    private final Watches watches;
    private final ApiSchemas schemas;
    private NamespaceLifecycle namespaces;
    private EventExpiry eventExpiry;

    /** For DS; the configuration comes with {@link #activate}. */
    public Registry() {
        this("embedded");
    }

    /** A registry on the named backend, to be given with {@link #addBackend}. */
    public Registry(String storageName) {
        this.storage = new StorageSwitch(storageName, Duration.ofSeconds(10));
        this.gated = new GatedBackend(storage);
        this.kinds = BuiltInKinds.create();
        this.store = new ResourceStore(kinds, this::backend);
        this.schemas = new ApiSchemas(kinds);
        store.setSchema(schemas);
        store.setPatcher(new KubePatcher(schemas.schemas(), schemas));
        this.watches = new Watches(this::backend);
    }

    @Activate
    @Modified
    void activate(Config config) {
        // every setting is checked before anything changes, so a bad one leaves the running registry as it was
        ServiceRanges ranges = ServiceRanges.parse(config.serviceClusterIPRange(), config.serviceNodePortRange());
        if (config.eventTTLSeconds() <= 0) {
            throw new IllegalArgumentException("eventTTLSeconds: Invalid value: " + config.eventTTLSeconds()
                    + ": must be greater than 0");
        }
        Duration eventTTL = Duration.ofSeconds(config.eventTTLSeconds());
        serviceRanges(ranges);
        String wanted = config.storage();
        if (namespaces == null) {
            storage.select(wanted);
        } else if (!wanted.equals(storage.inUse())) {
            migrateInBackground(wanted);
        }
        if (namespaces == null) {
            namespaces = new NamespaceLifecycle(this);
        }
        namespaces.kick();
        if (eventExpiry == null || !eventExpiry.ttl().equals(eventTTL)) {
            if (eventExpiry != null) {
                eventExpiry.close();
            }
            eventExpiry = new EventExpiry(this, eventTTL, java.time.Clock.systemUTC());
        }
        startWatchCaches();
    }

    /** Where new services get cluster IPs and node ports from; those allocated before keep theirs. */
    public void serviceRanges(ServiceRanges ranges) {
        ((ServiceStrategy) kinds.of(ResourceKind.SERVICES)).ranges(ranges);
    }

    @Deactivate
    void deactivate() {
        if (eventExpiry != null) {
            eventExpiry.close();
            eventExpiry = null;
        }
        if (namespaces != null) {
            namespaces.close();
            namespaces = null;
        }
        watches.close();
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
        storage.add(name, backend);
        boolean inUse = name.equals(storage.inUse());
        LOG.info("Storage backend '{}' available{}", name, inUse ? " and in use" : "");
        NamespaceLifecycle current = namespaces;
        if (current != null && inUse) {
            current.kick();
            startWatchCaches();
        }
    }

    public void removeBackend(String name, StorageBackend backend) {
        storage.remove(name, backend);
        if (name.equals(storage.inUse())) {
            LOG.warn("Storage backend '{}' in use was removed: the API answers 503 until it is back (installed: {})",
                    name, storage.installed());
        }
    }

    /**
     * The backend in use, as one StorageBackend: reads go to whichever backend is in use, writes
     * through the migration gate. Fails with 503 when the configured backend is not installed.
     */
    StorageBackend backend() {
        if (!hasBackend()) {
            try {
                storage.current();
            } catch (StoreException e) {
                throw ApiException.unavailable(e.getMessage());
            }
        }
        return gated;
    }

    boolean hasBackend() {
        return storage.installed().contains(storage.inUse());
    }

    /** Starts every kind's watch cache once the backend in use is there (see {@link Watches#start}). */
    private void startWatchCaches() {
        if (!hasBackend()) {
            return; // started when the backend arrives (addBackend)
        }
        try {
            int started = watches.start(kinds.all());
            LOG.debug("Watch caches of {} kinds running", started);
        } catch (ApiException | StoreException e) {
            // the backend does not answer yet: caches then start with their first watchers
            LOG.warn("Watch caches not started ahead ({}); each starts with its first watch", e.getMessage());
        }
    }

    private void migrateInBackground(String target) {
        Thread thread = new Thread(() -> {
            Migration result = migrate(target, step -> LOG.info("Storage migration to '{}': {}", target, step));
            LOG.info("Storage migration to '{}' ended: {}", target, result);
        }, "gantry-storage-migration");
        thread.setDaemon(true);
        thread.start();
    }

    // --- StorageMigrations ---

    @Override
    public Set<String> installed() {
        return storage.installed();
    }

    @Override
    public String inUse() {
        return storage.inUse();
    }

    @Override
    public Migration migrate(String target, Consumer<Migration> progress) {
        Migration result = storage.migrate(target, progress);
        if (result.state() == Migration.State.DONE) {
            // the switch ended the caches on the old backend: start them on the new one now, not
            // with each kind's first watch (see startWatchCaches)
            startWatchCaches();
        }
        return result;
    }

    @Override
    public Optional<Migration> lastMigration() {
        return storage.lastMigration();
    }

    /** The kinds served. */
    public Kinds kinds() {
        return kinds;
    }

    /** Kubernetes' semantics on trees, for the REST API. */
    public ResourceStore store() {
        return store;
    }

    ApiSchemas schemas() {
        return schemas;
    }

    public Watches watches() {
        return watches;
    }

    /** Creates the namespaces every cluster has, and their default service accounts, if missing. */
    public void ensureSystemNamespaces() {
        try (NamespaceLifecycle lifecycle = new NamespaceLifecycle(this)) {
            lifecycle.ensureSystemNamespaces();
        }
    }

    // --- ApiClient: typed objects in, typed objects out ---

    @Override
    public <T extends KubeObject> T create(ResourceKind<T> kind, T object) {
        return create(kind, object, WriteOptions.internal());
    }

    @Override
    public <T extends KubeObject> T get(ResourceKind<T> kind, String namespace, String name) {
        return typed(kind, store.get(kinds.of(kind), namespace, name));
    }

    @Override
    public <T extends KubeObject> KubeList<T> list(ResourceKind<T> kind, String namespace, ListOptions options) {
        ListOptions opts = options == null ? ListOptions.ALL : options;
        KindStrategy strategy = kinds.of(kind);
        Selection selection = Selection.of(strategy, opts.labelSelector(), opts.fieldSelector());
        ObjectReader reader = Json.reader(kind.type(), opts.stripManagedFields());
        if (selection.isEmpty() && !strategy.storedElsewhere()) {
            // every object as stored: straight from its bytes to its type, with no tree between
            // (an informer's first list of 10,000 pods spent half its time building trees)
            StoredPage stored = store.entries(strategy, namespace);
            List<T> items = new ArrayList<>(stored.entries().size());
            for (StoredEntry entry : stored.entries()) {
                items.add(typed(kind, reader, entry));
            }
            return new KubeList<>(kind.apiVersion(), kind.listKind(), String.valueOf(stored.revision()), items);
        }
        ObjectNode list = store.list(strategy, namespace, selection, 0, null);
        List<T> items = new ArrayList<>();
        for (JsonNode item : list.path("items")) {
            try {
                items.add(reader.readValue(item));
            } catch (IOException e) {
                throw unreadable(kind, e);
            }
        }
        return new KubeList<>(kind.apiVersion(), kind.listKind(), list.path("metadata").path("resourceVersion").asText(),
                items);
    }

    @Override
    public <T extends KubeObject> T update(ResourceKind<T> kind, T object) {
        return update(kind, object, WriteOptions.internal());
    }

    @Override
    public <T extends KubeObject> T updateStatus(ResourceKind<T> kind, T object) {
        return updateStatus(kind, object, WriteOptions.internal());
    }

    @Override
    public <T extends KubeObject> T delete(ResourceKind<T> kind, String namespace, String name, DeleteOptions options) {
        return delete(kind, namespace, name, options, WriteOptions.internal());
    }

    @Override
    public void bind(Binding binding) {
        bind(binding, WriteOptions.internal());
    }

    /** The registry, with every write of the returned client checked against the role's Lease. */
    @Override
    public ApiClient fencedBy(LeaderElection.Term term) {
        return new FencedRegistry(term);
    }

    private <T extends KubeObject> T create(ResourceKind<T> kind, T object, WriteOptions options) {
        return typed(kind, store.create(kinds.of(kind), null, tree(object), options));
    }

    private <T extends KubeObject> T update(ResourceKind<T> kind, T object, WriteOptions options) {
        ObjectNode tree = tree(object);
        return typed(kind, store.update(kinds.of(kind), namespaceOf(kind, tree), nameOf(tree), tree, options));
    }

    private <T extends KubeObject> T updateStatus(ResourceKind<T> kind, T object, WriteOptions options) {
        ObjectNode tree = tree(object);
        return typed(kind, store.updateStatus(kinds.of(kind), namespaceOf(kind, tree), nameOf(tree), tree, options));
    }

    private <T extends KubeObject> T delete(ResourceKind<T> kind, String namespace, String name, DeleteOptions options,
                                            WriteOptions write) {
        return typed(kind, store.delete(kinds.of(kind), namespace, name, options, write));
    }

    private void bind(Binding binding, WriteOptions options) {
        ObjectNode tree = tree(binding);
        String namespace = binding.metadata.namespace == null ? "default" : binding.metadata.namespace;
        store.bind(kinds.of(ResourceKind.PODS), namespace, binding.metadata.name, tree, options);
    }

    /** The registry as a leader of one term uses it: reads as the registry's, writes fenced. */
    private final class FencedRegistry implements ApiClient {

        private final LeaderElection.Term term;

        FencedRegistry(LeaderElection.Term term) {
            this.term = term;
        }

        private WriteOptions options() {
            return WriteOptions.internal().fencedBy(term);
        }

        @Override
        public <T extends KubeObject> T create(ResourceKind<T> kind, T object) {
            return Registry.this.create(kind, object, options());
        }

        @Override
        public <T extends KubeObject> T get(ResourceKind<T> kind, String namespace, String name) {
            return Registry.this.get(kind, namespace, name);
        }

        @Override
        public <T extends KubeObject> KubeList<T> list(ResourceKind<T> kind, String namespace, ListOptions options) {
            return Registry.this.list(kind, namespace, options);
        }

        @Override
        public <T extends KubeObject> T update(ResourceKind<T> kind, T object) {
            return Registry.this.update(kind, object, options());
        }

        @Override
        public <T extends KubeObject> T updateStatus(ResourceKind<T> kind, T object) {
            return Registry.this.updateStatus(kind, object, options());
        }

        @Override
        public <T extends KubeObject> T delete(ResourceKind<T> kind, String namespace, String name,
                                               DeleteOptions options) {
            return Registry.this.delete(kind, namespace, name, options, options());
        }

        @Override
        public void bind(Binding binding) {
            Registry.this.bind(binding, options());
        }

        @Override
        public <T extends KubeObject> Watch watch(ResourceKind<T> kind, String namespace, ListOptions options,
                                                  WatchListener<T> listener) {
            return Registry.this.watch(kind, namespace, options, listener);
        }

        @Override
        public ApiClient fencedBy(LeaderElection.Term other) {
            return Registry.this.fencedBy(other);
        }
    }

    @Override
    public <T extends KubeObject> Watch watch(ResourceKind<T> kind, String namespace, ListOptions options,
                                              WatchListener<T> listener) {
        ListOptions opts = options == null ? ListOptions.ALL : options;
        KindStrategy strategy = kinds.of(kind);
        return watches.push(strategy, namespace, Selection.of(strategy, opts.labelSelector(), opts.fieldSelector()),
                opts.resourceVersion(), ListenerSink.of(kind, opts.stripManagedFields(), listener))::close;
    }

    // --- DynamicClient: any kind, as trees ---

    @Override
    public List<ApiResource> resources() {
        return kinds.all().stream().map(Registry::describe).toList();
    }

    @Override
    public Optional<ApiResource> resolve(String name) {
        return kinds.resolve(name).map(Registry::describe);
    }

    @Override
    public ObjectNode get(ApiResource resource, String namespace, String name) {
        return store.get(strategy(resource), namespace, name);
    }

    @Override
    public ObjectNode list(ApiResource resource, String namespace, ListOptions options) {
        ListOptions opts = options == null ? ListOptions.ALL : options;
        KindStrategy strategy = strategy(resource);
        return store.list(strategy, namespace, Selection.of(strategy, opts.labelSelector(), opts.fieldSelector()), 0,
                null);
    }

    @Override
    public ObjectNode table(ApiResource resource, String namespace, String name, ListOptions options) {
        KindStrategy strategy = strategy(resource);
        ObjectNode source = name != null ? store.get(strategy, namespace, name) : list(resource, namespace, options);
        return Tables.table(strategy, source, Tables.IncludeObject.METADATA);
    }

    private KindStrategy strategy(ApiResource resource) {
        return kinds.byResource(resource.group(), resource.version(), resource.plural()).orElseThrow(
                () -> ApiException.notFound(ResourceKind.of(resource.group(), resource.version(), resource.plural(),
                        resource.singular(), resource.kind(), resource.namespaced(), KubeObject.class,
                        resource.shortNames()), resource.plural()));
    }

    private static ApiResource describe(KindStrategy strategy) {
        ResourceKind<?> kind = strategy.kind();
        return new ApiResource(kind.group(), kind.version(), kind.plural(), kind.singular(), kind.kind(),
                kind.namespaced(), kind.shortNames(), strategy.categories());
    }

    // --- conversions ---

    private static ObjectNode tree(Object object) {
        return Json.mapper().valueToTree(object);
    }

    /** A stored object of a kind stored as itself, with its resourceVersion. */
    private static <T extends KubeObject> T typed(ResourceKind<T> kind, ObjectReader reader, StoredEntry entry) {
        T object;
        try {
            object = reader.readValue(entry.value());
        } catch (IOException e) {
            throw unreadable(kind, e);
        }
        object.metadata.resourceVersion = String.valueOf(entry.modRevision());
        return object;
    }

    private static <T extends KubeObject> T typed(ResourceKind<T> kind, ObjectNode tree) {
        try {
            return Json.mapper().treeToValue(tree, kind.type());
        } catch (JsonProcessingException e) {
            throw unreadable(kind, e);
        }
    }

    /** A stored object that does not read as its kind's type: the server's fault, a 500. */
    private static ApiException unreadable(ResourceKind<?> kind, IOException e) {
        return ApiException.internal("stored " + kind.qualifiedName() + " cannot be read as " + kind.kind() + ": "
                + (e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage()));
    }

    private static String nameOf(ObjectNode tree) {
        return tree.path("metadata").path("name").asText();
    }

    private static String namespaceOf(ResourceKind<?> kind, ObjectNode tree) {
        if (!kind.namespaced()) {
            return null;
        }
        String namespace = tree.path("metadata").path("namespace").asText("");
        return namespace.isEmpty() ? "default" : namespace;
    }
}
