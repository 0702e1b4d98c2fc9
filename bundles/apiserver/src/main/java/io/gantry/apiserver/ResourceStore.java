package io.gantry.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.cluster.LeaderElection;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.StatusCause;
import io.gantry.api.meta.v1.Times;
import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoredEntry;
import io.gantry.api.store.StoredPage;
import io.gantry.apiserver.kinds.pod.PodBinding;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Kinds;
import io.gantry.apiserver.registry.ScaleRule;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Kubernetes' generic registry semantics for every kind, on JSON trees over the storage backend
 * in use, as kube-apiserver's {@code genericregistry.Store} gives them: names and uids,
 * generation, defaults and validation through the kind's strategy, compare-and-set writes on
 * {@code metadata.resourceVersion} (an entry's modRevision), status and scale subresources,
 * graceful deletion and finalizers, dry runs, selectors and paged lists.
 *
 * <p>Stored values are the object's JSON without {@code metadata.resourceVersion}; reads set it
 * from the entry, as Kubernetes' etcd storage does. Nothing is written unless it passed the
 * schema check, the strategy's defaults and validation: bad input never reaches the store.
 */
public final class ResourceStore {

    /** The finalizer of {@code propagationPolicy=Orphan}: the garbage collector releases the dependents first. */
    public static final String ORPHAN_FINALIZER = "orphan";
    /** The finalizer of {@code propagationPolicy=Foreground}: the garbage collector deletes the dependents first. */
    public static final String FOREGROUND_FINALIZER = "foregroundDeletion";

    private static final int WRITE_ATTEMPTS = 8;
    /** The longest generateName kept whole: with the 5 random characters, a 63-character label. */
    private static final int MAX_GENERATED_BASE = 58;
    private static final char[] NAME_SUFFIX = "bcdfghjklmnpqrstvwxz2456789".toCharArray();

    private final Kinds kinds;
    private final Supplier<StorageBackend> backend;
    private final SecureRandom random = new SecureRandom();
    private final Pages pages = new Pages();
    /** The last version of each namespace seen by a create in it, by key. */
    private final Map<String, NamespaceState> namespaceStates = new ConcurrentHashMap<>();
    private volatile SchemaChecker schema = SchemaChecker.NONE;
    private volatile Patcher patcher = new Patcher() {
        @Override
        public ObjectNode apply(KindStrategy kind, String mediaType, ObjectNode current, byte[] body,
                                WriteOptions options, boolean force) {
            throw ApiException.unsupportedMediaType("patches are not served without schemas");
        }
    };

    public ResourceStore(Kinds kinds, Supplier<StorageBackend> backend) {
        this.kinds = kinds;
        this.backend = backend;
    }

    public Kinds kinds() {
        return kinds;
    }

    public void setSchema(SchemaChecker schema) {
        this.schema = schema;
    }

    public void setPatcher(Patcher patcher) {
        this.patcher = patcher;
    }

    StorageBackend store() {
        return backend.get();
    }

    // --- keys and stored form ---

    /** The key of one object: {@code /registry/pods/default/web}, {@code /registry/deployments.apps/ns/x}. */
    public static String key(KindStrategy kind, String namespace, String name) {
        return kind.kind().namespaced() ? prefix(kind, null) + namespace + "/" + name : prefix(kind, null) + name;
    }

    /** The prefix of a kind's keys (those of the kind it is stored as), in one namespace or (null) in all. */
    public static String prefix(KindStrategy kind, String namespace) {
        String base = "/registry/" + kind.storedAs().qualifiedName() + "/";
        return kind.kind().namespaced() && namespace != null && !namespace.isEmpty() ? base + namespace + "/" : base;
    }

    /** The object of a stored entry, with its resourceVersion. */
    public static ObjectNode decode(StoredEntry entry) {
        try {
            ObjectNode object = (ObjectNode) Json.mapper().readTree(entry.value());
            Trees.object(object, "metadata").put("resourceVersion", String.valueOf(entry.modRevision()));
            return object;
        } catch (IOException e) {
            throw new UncheckedIOException("stored value of " + entry.key() + " is not JSON", e);
        }
    }

    /** An object of the kind from its stored entry, converted if the kind is stored as another. */
    public static ObjectNode decode(KindStrategy kind, StoredEntry entry) {
        return kind.fromStorage(decode(entry));
    }

    /**
     * What a write stored, as a read of it gives: the object just encoded, with the revision the
     * store gave it, rather than a decode of the bytes it was encoded to (a second tree of every
     * object written). A kind stored as another is read back through its conversion.
     */
    private static ObjectNode written(KindStrategy kind, ObjectNode object, StoredEntry stored) {
        if (kind.storedElsewhere()) {
            return decode(kind, stored);
        }
        Trees.object(object, "metadata").put("resourceVersion", String.valueOf(stored.modRevision()));
        return object;
    }

    /** The stored form of an object of the kind. */
    static byte[] encode(KindStrategy kind, ObjectNode object) {
        return encode(kind.toStorage(object));
    }

    static byte[] encode(ObjectNode object) {
        ObjectNode metadata = Trees.object(object, "metadata");
        JsonNode version = metadata.remove("resourceVersion");
        try {
            return Json.bytes(object);
        } finally {
            if (version != null) {
                metadata.set("resourceVersion", version);
            }
        }
    }

    // --- reads ---

    public ObjectNode get(KindStrategy kind, String namespace, String name) {
        return decode(kind, entry(kind, namespace, name));
    }

    public Optional<ObjectNode> find(KindStrategy kind, String namespace, String name) {
        return store().get(key(kind, namespace, name)).map(entry -> decode(kind, entry));
    }

    /** Every stored entry of a kind, one namespace or all, with the revision they were read at. */
    public StoredPage entries(KindStrategy kind, String namespace) {
        return store().list(prefix(kind, namespace));
    }

    /**
     * A {@code <Kind>List} of the objects the selection picks, one namespace or all; with a limit,
     * one page of a snapshot and a {@code continue} token for the next.
     */
    public ObjectNode list(KindStrategy kind, String namespace, Selection selection, long limit, String continueToken) {
        Pages.Page page;
        String scope = prefix(kind, namespace);
        if (continueToken != null && !continueToken.isEmpty()) {
            page = pages.next(scope, continueToken, limit);
        } else {
            StoredPage stored = store().list(scope);
            List<StoredEntry> entries = new ArrayList<>();
            List<ObjectNode> items = new ArrayList<>();
            for (StoredEntry entry : stored.entries()) {
                ObjectNode object = decode(kind, entry);
                if (selection.test(object)) {
                    entries.add(entry);
                    items.add(object);
                }
            }
            page = pages.first(scope, entries, items, entry -> decode(kind, entry), stored.revision(), limit);
        }
        ObjectNode list = Json.mapper().createObjectNode();
        list.put("apiVersion", kind.kind().apiVersion());
        list.put("kind", kind.kind().listKind());
        ObjectNode metadata = list.putObject("metadata");
        metadata.put("resourceVersion", String.valueOf(page.revision()));
        if (page.continueToken() != null) {
            metadata.put("continue", page.continueToken());
            metadata.put("remainingItemCount", page.remaining());
        }
        ArrayNode items = list.putArray("items");
        page.items().forEach(items::add);
        return list;
    }

    // --- create ---

    /**
     * Creates an object.
     *
     * @param namespace the namespace of the URL, or null to take the object's (or "default")
     */
    public ObjectNode create(KindStrategy kind, String namespace, ObjectNode body, WriteOptions options) {
        return create(kind, namespace, body, options, false);
    }

    /** @param applied whether the body comes from a server-side apply, which recorded its own field ownership */
    private ObjectNode create(KindStrategy kind, String namespace, ObjectNode body, WriteOptions options,
                              boolean applied) {
        fence(options);
        ObjectNode object = body.deepCopy();
        checkTypeMeta(kind, object);
        schema.check(kind, object, options);
        ObjectNode metadata = Trees.object(object, "metadata");
        placeInNamespace(kind, namespace, metadata);
        String name = Trees.text(metadata, "name");
        String generateName = Trees.text(metadata, "generateName");
        if ((name == null || name.isEmpty()) && generateName != null && !generateName.isEmpty()) {
            // as apiserver's SimpleNameGenerator: the base is cut so that the name stays a label
            String base = generateName.length() > MAX_GENERATED_BASE ? generateName.substring(0, MAX_GENERATED_BASE)
                    : generateName;
            name = base + suffix();
            metadata.put("name", name);
        }
        kind.prepareForCreate(object);
        kind.applyDefaults(object);
        Validator v = new Validator();
        validateMetadata(kind, object, v);
        kind.validate(object, v);
        if (!v.isEmpty()) {
            throw invalid(kind, object, v.causes());
        }
        checkNamespaceAcceptsContent(kind, metadata);
        if (kind.allocates()) {
            synchronized (allocationLock(kind)) {
                allocate(kind, object, null);
                return finishCreate(kind, object, metadata, name, options, applied);
            }
        }
        return finishCreate(kind, object, metadata, name, options, applied);
    }

    private ObjectNode finishCreate(KindStrategy kind, ObjectNode object, ObjectNode metadata, String name,
                                    WriteOptions options, boolean applied) {
        metadata.put("uid", Uids.next());
        metadata.put("creationTimestamp", Times.now());
        metadata.remove(List.of("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"));
        if (kind.tracksGeneration()) {
            metadata.put("generation", 1);
        } else {
            metadata.remove("generation");
        }
        if (!applied) {
            object = patcher.track(kind, null, object, options, null);
        }
        if (options.dryRun()) {
            if (store().get(key(kind, metadata.path("namespace").asText(null), name)).isPresent()) {
                throw ApiException.alreadyExists(kind.kind(), name);
            }
            return object;
        }
        try {
            return written(kind, object, store().create(key(kind, object.path("metadata").path("namespace").asText(null),
                    name), encode(kind, object)));
        } catch (StoreException.KeyExists e) {
            throw ApiException.alreadyExists(kind.kind(), name);
        } catch (StoreException e) {
            throw storeFailure(e);
        }
    }

    private void placeInNamespace(KindStrategy kind, String urlNamespace, ObjectNode metadata) {
        String own = Trees.text(metadata, "namespace");
        if (!kind.kind().namespaced()) {
            metadata.remove("namespace");
            return;
        }
        if (urlNamespace != null && own != null && !own.isEmpty() && !own.equals(urlNamespace)) {
            throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on "
                    + "the request");
        }
        String namespace = urlNamespace != null ? urlNamespace : own == null || own.isEmpty() ? "default" : own;
        metadata.put("namespace", namespace);
    }

    /** Whether a version of a namespace is terminating. */
    private record NamespaceState(long revision, boolean terminating) {
    }

    private void checkNamespaceAcceptsContent(KindStrategy kind, ObjectNode metadata) {
        if (!kind.kind().namespaced()) {
            return;
        }
        String namespace = metadata.path("namespace").asText();
        KindStrategy namespaces = kinds.byResource("", "v1", "namespaces").orElseThrow();
        String key = key(namespaces, null, namespace);
        Optional<StoredEntry> read = store().getToDecideWrite(key);
        if (read.isEmpty()) {
            namespaceStates.remove(key);
            store().checkWritable(); // a member cut off from its quorum may just not see the namespace: 503, not 404
            throw ApiException.notFound(namespaces.kind(), namespace);
        }
        StoredEntry entry = read.get();
        NamespaceState state = namespaceStates.get(key);
        if (state == null || state.revision() != entry.modRevision()) {
            // decoded once per version of the namespace, not once per object created in it
            state = new NamespaceState(entry.modRevision(),
                    decode(namespaces, entry).path("metadata").hasNonNull("deletionTimestamp"));
            namespaceStates.put(key, state);
        }
        if (state.terminating()) {
            throw ApiException.forbidden(kind.kind(), metadata.path("name").asText(), "unable to create new content in "
                    + "namespace " + namespace + " because it is being terminated");
        }
    }

    // --- update, status, patch ---

    /** Replaces an object (PUT); creates it when the kind allows create-on-update. */
    public ObjectNode update(KindStrategy kind, String namespace, String name, ObjectNode body, WriteOptions options) {
        ObjectNode requested = body.deepCopy();
        checkTypeMeta(kind, requested);
        checkName(name, requested);
        schema.check(kind, requested, options);
        return write(kind, namespace, name, requested, options, false, false, false);
    }

    /** Replaces an object's status (PUT {@code /status}). */
    public ObjectNode updateStatus(KindStrategy kind, String namespace, String name, ObjectNode body,
                                   WriteOptions options) {
        ObjectNode requested = body.deepCopy();
        checkTypeMeta(kind, requested);
        checkName(name, requested);
        schema.check(kind, requested, options);
        return write(kind, namespace, name, requested, options, true, false, false);
    }

    /**
     * Patches an object (or its status) with one of the four patch types; server-side apply
     * creates a missing object. A patch that names no resourceVersion is applied to the latest
     * object again when someone else wrote first.
     */
    public ObjectNode patch(KindStrategy kind, String namespace, String name, String mediaType, byte[] body,
                            WriteOptions options, boolean force, boolean status) {
        boolean apply = Patcher.APPLY.equals(mediaType);
        if (apply && (options.fieldManager() == null || options.fieldManager().isEmpty())) {
            throw ApiException.badRequest("PATCH, application/apply-patch+yaml: fieldManager is required for apply "
                    + "requests");
        }
        for (int attempt = 0; ; attempt++) {
            Optional<ObjectNode> current = find(kind, namespace, name);
            if (current.isEmpty() && !apply) {
                throw ApiException.notFound(kind.kind(), name);
            }
            ObjectNode patched = patcher.apply(kind, mediaType, current.orElse(null), body, options, force);
            checkTypeMeta(kind, patched);
            checkName(name, patched);
            schema.check(kind, patched, options);
            if (current.isEmpty()) {
                return create(kind, namespace, patched, options, true);
            }
            String patchedVersion = Trees.text(patched, "metadata", "resourceVersion");
            boolean pinned = patchedVersion != null
                    && !patchedVersion.equals(Trees.text(current.get(), "metadata", "resourceVersion"));
            if (patchedVersion == null) {
                Trees.object(patched, "metadata").put("resourceVersion",
                        Trees.text(current.get(), "metadata", "resourceVersion"));
            }
            try {
                return write(kind, namespace, name, patched, options, status, true, apply);
            } catch (ApiException e) {
                if (!e.isConflict() || pinned || attempt >= WRITE_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * Refuses the write of a leader whose term is over: the role's Lease in kube-system names
     * another holder, in the same term or a later one. A leader publishes its Lease before it
     * starts, so its own writes always pass; a deposed one that has not noticed yet (a paused
     * process, a slow network) is refused from the moment its successor's Lease is stored. The
     * check reads the stored Lease, not a cache, right before the write. A term that began
     * before its node could reach the API (numbered locally, published later) passes while the
     * Lease names its own node.
     */
    private void fence(WriteOptions options) {
        LeaderElection.Term term = options.fence();
        if (term == null) {
            return;
        }
        KindStrategy leases = kinds.of(ResourceKind.LEASES);
        Optional<StoredEntry> entry = store().get(key(leases, "kube-system", term.role()));
        if (entry.isEmpty()) {
            return; // published by no leader yet
        }
        ObjectNode lease = decode(entry.get());
        String holder = Trees.text(lease, "spec", "holderIdentity");
        long epoch = lease.path("spec").path("leaseTransitions").asLong(0);
        if (!term.holder().equals(holder) && epoch >= term.epoch()) {
            throw ApiException.conflict(ResourceKind.LEASES, term.role(), "the term " + term.epoch() + " of "
                    + term.holder() + " is over: the Lease names " + holder + " in term " + epoch
                    + "; a deposed leader's writes are refused");
        }
    }

    /**
     * The common path of PUT, PUT status and PATCH: compare-and-set against the stored object,
     * keeping what clients may not change, moving the generation when the desired state changed,
     * and removing an object whose deletion waited only for what this write cleared.
     */
    private ObjectNode write(KindStrategy kind, String namespace, String name, ObjectNode requested,
                             WriteOptions options, boolean status, boolean fromPatch, boolean applied) {
        fence(options);
        String ns = kind.kind().namespaced() ? namespaceOf(namespace, requested) : null;
        String expected = Trees.text(requested, "metadata", "resourceVersion");
        boolean conditional = expected != null && !expected.isEmpty();
        for (int attempt = 0; ; attempt++) {
            Optional<StoredEntry> entry = store().get(key(kind, ns, name));
            if (entry.isEmpty()) {
                if (kind.allowCreateOnUpdate() && !status && !fromPatch) {
                    Trees.object(requested, "metadata").remove("resourceVersion");
                    return create(kind, ns, requested, options);
                }
                throw ApiException.notFound(kind.kind(), name);
            }
            ObjectNode old = decode(kind, entry.get());
            String stored = String.valueOf(entry.get().modRevision());
            if (conditional && !expected.equals(stored)) {
                throw ApiException.modified(kind.kind(), name);
            }
            String uid = Trees.text(requested, "metadata", "uid");
            String oldUid = Trees.text(old, "metadata", "uid");
            if (uid != null && !uid.isEmpty() && !uid.equals(oldUid)) {
                throw ApiException.conflict(kind.kind(), name, "Precondition failed: UID in precondition: " + uid
                        + ", UID in object meta: " + oldUid);
            }
            ObjectNode updated = requested.deepCopy();
            Validator v = new Validator();
            if (status) {
                kind.prepareForStatusUpdate(updated, old);
                keepSystemMetadata(old, updated, kind, true);
                kind.validateStatusUpdate(updated, old, v);
            } else {
                keepSystemMetadata(old, updated, kind, false);
                kind.prepareForUpdate(updated, old);
                kind.applyDefaults(updated);
                validateMetadata(kind, updated, v);
                validateNoNewFinalizers(old, updated, v);
                kind.validateUpdate(updated, old, v);
                if (kind.tracksGeneration()) {
                    long generation = old.path("metadata").path("generation").asLong(1);
                    Trees.object(updated, "metadata").put("generation",
                            Trees.same(desiredState(old), desiredState(updated)) ? generation : generation + 1);
                }
            }
            if (!v.isEmpty()) {
                throw invalid(kind, updated, v.causes());
            }
            if (!applied) {
                updated = patcher.track(kind, old, updated, options, status ? "status" : null);
            }
            if (kind.allocates() && !status) {
                synchronized (allocationLock(kind)) {
                    allocate(kind, updated, old);
                    ObjectNode written = writeOnce(kind, entry.get(), old, updated, stored, options, conditional, name);
                    if (written != null) {
                        return written;
                    }
                }
            } else {
                ObjectNode written = writeOnce(kind, entry.get(), old, updated, stored, options, conditional, name);
                if (written != null) {
                    return written;
                }
            }
            if (attempt >= WRITE_ATTEMPTS) {
                throw ApiException.modified(kind.kind(), name);
            }
        }
    }

    /** One compare-and-set attempt of {@link #write}; null when someone wrote first and it may retry. */
    private ObjectNode writeOnce(KindStrategy kind, StoredEntry entry, ObjectNode old, ObjectNode updated,
                             String stored, WriteOptions options, boolean conditional, String name) {
        Trees.object(updated, "metadata").put("resourceVersion", stored);
        if (Trees.same(updated, old)) {
            return old; // nothing changed: no new revision, as Kubernetes does
        }
        boolean remove = isMarked(updated) && updated.path("metadata").path("deletionGracePeriodSeconds").asLong(0) == 0
                && kind.readyToRemove(updated);
        if (options.dryRun()) {
            return updated;
        }
        try {
            if (remove) {
                store().delete(entry.key(), entry.modRevision());
                return updated;
            }
            return written(kind, updated, store().update(entry.key(), encode(kind, updated), entry.modRevision()));
        } catch (StoreException.Conflict e) {
            if (conditional) {
                throw ApiException.modified(kind.kind(), name);
            }
            return null;
        } catch (StoreException.KeyNotFound e) {
            throw ApiException.notFound(kind.kind(), name);
        } catch (StoreException e) {
            throw storeFailure(e);
        }
    }

    private final java.util.Map<String, Object> allocationLocks = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Allocations of a kind are decided one write at a time in this API server: they read every
     * other object of the kind. Several API servers would need a shared allocation record.
     */
    private Object allocationLock(KindStrategy kind) {
        return allocationLocks.computeIfAbsent(kind.kind().qualifiedName(), k -> new Object());
    }

    private void allocate(KindStrategy kind, ObjectNode object, ObjectNode old) {
        String self = key(kind, object.path("metadata").path("namespace").asText(null),
                object.path("metadata").path("name").asText());
        List<ObjectNode> others = new ArrayList<>();
        for (StoredEntry entry : store().list(prefix(kind, null)).entries()) {
            if (!entry.key().equals(self)) {
                others.add(decode(kind, entry));
            }
        }
        Validator v = new Validator();
        kind.allocate(object, old, others, v);
        if (!v.isEmpty()) {
            throw invalid(kind, object, v.causes());
        }
    }

    /** Metadata only the server sets: identity, creation, deletion, generation (and all of it on status writes). */
    private static void keepSystemMetadata(ObjectNode old, ObjectNode updated, KindStrategy kind, boolean status) {
        ObjectNode before = (ObjectNode) old.path("metadata");
        ObjectNode after = Trees.object(updated, "metadata");
        String version = Trees.text(after, "resourceVersion");
        if (status) {
            after.removeAll();
            after.setAll(before.deepCopy());
        } else {
            for (String field : List.of("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                    "generation", "namespace", "name")) {
                JsonNode value = before.get(field);
                if (value == null) {
                    after.remove(field);
                } else {
                    after.set(field, value.deepCopy());
                }
            }
            if (!after.has("managedFields") && before.has("managedFields")) {
                after.set("managedFields", before.get("managedFields").deepCopy());
            }
        }
        if (version != null) {
            after.put("resourceVersion", version);
        }
        updated.put("apiVersion", kind.kind().apiVersion());
        updated.put("kind", kind.kind().kind());
    }

    /** Everything but metadata and status: what {@code metadata.generation} follows. */
    private static ObjectNode desiredState(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        copy.remove(List.of("metadata", "status", "apiVersion", "kind"));
        return copy;
    }

    // --- delete ---

    /**
     * Deletes an object: at once, or by marking it ({@code deletionTimestamp}) when its kind gives
     * it a grace period (pods on a node) or finalizers hold it. Returns the object as last stored
     * or marked.
     *
     * <p>The propagation policy becomes a finalizer the garbage collector honours, as
     * kube-apiserver's {@code deletionFinalizersForGarbageCollection}: {@code Foreground} adds
     * {@value #FOREGROUND_FINALIZER} (the owner stays, marked, until its dependents are gone),
     * {@code Orphan} adds {@value #ORPHAN_FINALIZER} (the owner stays until its dependents no longer
     * name it), {@code Background} neither. Without a policy an object keeps the one it has, else
     * its kind's default ({@link KindStrategy#defaultPropagationPolicy}). A marked object whose
     * grace period is over may still change between the two; one still in its grace period may not.
     */
    public ObjectNode delete(KindStrategy kind, String namespace, String name, DeleteOptions deleteOptions,
                             WriteOptions options) {
        fence(options);
        DeleteOptions opts = deleteOptions == null ? new DeleteOptions() : deleteOptions;
        checkPropagation(opts.propagationPolicy);
        String policy = propagationPolicy(opts);
        for (int attempt = 0; ; attempt++) {
            StoredEntry entry = entry(kind, namespace, name);
            ObjectNode old = decode(kind, entry);
            checkPreconditions(kind, old, opts);
            kind.checkDeletion(old);
            Long grace = kind.gracePeriodSeconds(old, opts.gracePeriodSeconds);
            boolean waits = grace != null && grace > 0;
            ObjectNode result;
            boolean removeNow;
            long current = old.path("metadata").path("deletionGracePeriodSeconds").asLong(0);
            if (isMarked(old) && current > 0) {
                // still in its grace period: it may only go sooner, its finalizers stay as they are
                long wanted = waits ? grace : 0;
                if (wanted >= current) {
                    return old;
                }
                result = old.deepCopy();
                mark(result, wanted);
                removeNow = wanted == 0 && kind.readyToRemove(result);
            } else if (isMarked(old)) {
                // held by finalizers: the policy may still change, and one that clears the last goes
                result = old.deepCopy();
                setPropagationFinalizers(kind, result, policy);
                if (Trees.same(result, old)) {
                    return old;
                }
                removeNow = kind.readyToRemove(result);
            } else {
                result = old.deepCopy();
                setPropagationFinalizers(kind, result, policy);
                if (waits || !kind.readyToRemove(result)) {
                    mark(result, waits ? grace : 0);
                    if (kind.tracksGeneration()) {
                        // as kube-apiserver's markAsDeleting: the object's desired state is now to be gone
                        ObjectNode metadata = Trees.object(result, "metadata");
                        metadata.put("generation", metadata.path("generation").asLong(1) + 1);
                    }
                    kind.prepareForDeletion(result);
                    removeNow = false;
                } else {
                    result = old;
                    removeNow = true;
                }
            }
            if (options.dryRun()) {
                return result;
            }
            try {
                if (removeNow) {
                    return decode(kind, store().delete(entry.key(), entry.modRevision()));
                }
                return written(kind, result, store().update(entry.key(), encode(kind, result), entry.modRevision()));
            } catch (StoreException.Conflict e) {
                if (attempt >= WRITE_ATTEMPTS) {
                    throw ApiException.modified(kind.kind(), name);
                }
            } catch (StoreException.KeyNotFound e) {
                throw ApiException.notFound(kind.kind(), name);
            } catch (StoreException e) {
                throw storeFailure(e);
            }
        }
    }

    /**
     * Sets the garbage collector's finalizer for a delete: the one its policy names, else the one
     * the object has, else the one its kind's default policy names; never both.
     */
    private static void setPropagationFinalizers(KindStrategy kind, ObjectNode object, String requested) {
        ObjectNode metadata = Trees.object(object, "metadata");
        List<String> others = new ArrayList<>();
        String had = null;
        for (JsonNode finalizer : metadata.path("finalizers")) {
            String value = finalizer.asText();
            if (value.equals(ORPHAN_FINALIZER) || value.equals(FOREGROUND_FINALIZER)) {
                had = had == null ? value : had;
            } else {
                others.add(value);
            }
        }
        String policy = requested != null ? requested
                : had != null ? (had.equals(ORPHAN_FINALIZER) ? "Orphan" : "Foreground")
                : kind.defaultPropagationPolicy();
        String wanted = switch (policy) {
            case "Orphan" -> ORPHAN_FINALIZER;
            case "Foreground" -> FOREGROUND_FINALIZER;
            default -> null;
        };
        List<String> finalizers = new ArrayList<>(others);
        if (wanted != null) {
            finalizers.add(wanted);
        }
        List<String> before = new ArrayList<>();
        metadata.path("finalizers").forEach(f -> before.add(f.asText()));
        if (new java.util.HashSet<>(before).equals(new java.util.HashSet<>(finalizers))) {
            return; // unchanged: keep the order as stored
        }
        if (finalizers.isEmpty()) {
            metadata.remove("finalizers");
        } else {
            ArrayNode array = metadata.putArray("finalizers");
            finalizers.forEach(array::add);
        }
    }

    /** Deletes every object the selection picks, one namespace or all; the list of what was deleted. */
    public ObjectNode deleteCollection(KindStrategy kind, String namespace, Selection selection,
                                       DeleteOptions deleteOptions, WriteOptions options) {
        ObjectNode list = list(kind, namespace, selection, 0, null);
        ArrayNode deleted = Json.mapper().createArrayNode();
        for (JsonNode item : list.path("items")) {
            try {
                deleted.add(delete(kind, item.path("metadata").path("namespace").asText(null),
                        item.path("metadata").path("name").asText(), deleteOptions, options));
            } catch (ApiException e) {
                if (!e.isNotFound()) {
                    throw e;
                }
            }
        }
        list.set("items", deleted);
        return list;
    }

    private static void mark(ObjectNode object, long graceSeconds) {
        ObjectNode metadata = Trees.object(object, "metadata");
        metadata.put("deletionTimestamp", Times.format(Instant.now().plusSeconds(graceSeconds)));
        metadata.put("deletionGracePeriodSeconds", graceSeconds);
    }

    static boolean isMarked(JsonNode object) {
        return object.path("metadata").hasNonNull("deletionTimestamp");
    }

    /**
     * The policy a delete asks for: {@code propagationPolicy}, else the deprecated
     * {@code orphanDependents} (true for Orphan, false for Background), else none; not both.
     */
    private static String propagationPolicy(DeleteOptions options) {
        JsonNode orphan = options.extra("orphanDependents");
        if (orphan == null || orphan.isNull()) {
            return options.propagationPolicy;
        }
        if (options.propagationPolicy != null) {
            throw Query.invalidValueOption("DELETE", "propagationPolicy", options.propagationPolicy,
                    "orphanDependents and deletionPropagation cannot be both set");
        }
        return orphan.asBoolean() ? "Orphan" : "Background";
    }

    private static void checkPropagation(String policy) {
        if (policy != null && !List.of("Orphan", "Background", "Foreground").contains(policy)) {
            throw Query.unsupportedOption("DELETE", "propagationPolicy", policy,
                    "\"Background\", \"Foreground\", \"Orphan\"");
        }
    }

    private static void checkPreconditions(KindStrategy kind, ObjectNode old, DeleteOptions options) {
        if (options.preconditions == null) {
            return;
        }
        String name = Trees.text(old, "metadata", "name");
        String uid = Trees.text(old, "metadata", "uid");
        String version = Trees.text(old, "metadata", "resourceVersion");
        if (options.preconditions.uid != null && !options.preconditions.uid.equals(uid)) {
            throw ApiException.conflict(kind.kind(), name, "Precondition failed: UID in precondition: "
                    + options.preconditions.uid + ", UID in object meta: " + uid);
        }
        if (options.preconditions.resourceVersion != null && !options.preconditions.resourceVersion.equals(version)) {
            throw ApiException.conflict(kind.kind(), name, "Precondition failed: ResourceVersion in precondition: "
                    + options.preconditions.resourceVersion + ", ResourceVersion in meta: " + version);
        }
    }

    // --- subresources ---

    /** The {@code autoscaling/v1 Scale} of an object whose kind has a scale subresource. */
    public ObjectNode getScale(KindStrategy kind, String namespace, String name) {
        ScaleRule rule = scaleRule(kind);
        return scaleOf(kind, rule, get(kind, namespace, name));
    }

    /** Sets the desired replicas from a Scale (PUT), compare-and-set on the Scale's resourceVersion. */
    public ObjectNode updateScale(KindStrategy kind, String namespace, String name, ObjectNode scale,
                                  WriteOptions options) {
        ScaleRule rule = scaleRule(kind);
        schema.checkScale(scale, options);
        JsonNode replicas = scale.path("spec").path("replicas");
        if (!replicas.isMissingNode() && !replicas.isNull() && (!replicas.canConvertToInt() || replicas.asInt() < 0)) {
            Validator v = new Validator();
            v.invalid("spec.replicas", replicas, "must be greater than or equal to 0");
            throw ApiException.invalid(kind.kind(), name, v.causes());
        }
        ObjectNode object = get(kind, namespace, name);
        String version = Trees.text(scale, "metadata", "resourceVersion");
        if (version != null && !version.isEmpty()) {
            Trees.object(object, "metadata").put("resourceVersion", version);
        }
        ObjectNode spec = Trees.object(object, "spec");
        spec.put("replicas", replicas.asInt(0));
        return scaleOf(kind, rule, write(kind, namespace, name, object, options, false, false, false));
    }

    /** Patches the Scale (as {@code kubectl scale} does with a merge patch) and sets the replicas. */
    public ObjectNode patchScale(KindStrategy kind, String namespace, String name, String mediaType, byte[] body,
                                 WriteOptions options) {
        KindStrategy scaleKind = kinds.byKind("autoscaling/v1", "Scale").orElse(kind);
        ObjectNode current = getScale(kind, namespace, name);
        ObjectNode patched = patcher.apply(scaleKind, mediaType, current, body, options, false);
        return updateScale(kind, namespace, name, patched, options);
    }

    private static ScaleRule scaleRule(KindStrategy kind) {
        return kind.scale().orElseThrow(() -> new ApiException(io.gantry.api.meta.v1.Status.failure(404, "NotFound",
                "the server could not find the requested resource")));
    }

    private static ObjectNode scaleOf(KindStrategy kind, ScaleRule rule, ObjectNode object) {
        ObjectNode scale = Json.mapper().createObjectNode();
        scale.put("kind", "Scale");
        scale.put("apiVersion", "autoscaling/v1");
        ObjectNode metadata = scale.putObject("metadata");
        ObjectNode source = (ObjectNode) object.path("metadata");
        for (String field : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
            if (source.has(field)) {
                metadata.set(field, source.get(field));
            }
        }
        scale.putObject("spec").put("replicas", object.at(rule.specReplicas()).asInt(0));
        ObjectNode status = scale.putObject("status");
        status.put("replicas", object.at(rule.statusReplicas()).asInt(0));
        String selector = selectorString(object.path("spec").path("selector"), rule.selectorIsMap());
        if (!selector.isEmpty()) {
            status.put("selector", selector);
        }
        return scale;
    }

    /** A label selector in its string form, from a map or a LabelSelector. */
    static String selectorString(JsonNode selector, boolean isMap) {
        List<String> terms = new ArrayList<>();
        JsonNode labels = isMap ? selector : selector.path("matchLabels");
        labels.fields().forEachRemaining(e -> terms.add(e.getKey() + "=" + e.getValue().asText()));
        for (JsonNode expression : selector.path("matchExpressions")) {
            String key = expression.path("key").asText();
            List<String> values = new ArrayList<>();
            expression.path("values").forEach(value -> values.add(value.asText()));
            switch (expression.path("operator").asText()) {
                case "In" -> terms.add(key + " in (" + String.join(",", values) + ")");
                case "NotIn" -> terms.add(key + " notin (" + String.join(",", values) + ")");
                case "Exists" -> terms.add(key);
                case "DoesNotExist" -> terms.add("!" + key);
                default -> {
                }
            }
        }
        return String.join(",", terms);
    }

    /** Binds a pod to a node ({@code POST pods/NAME/binding}). */
    public void bind(KindStrategy pods, String namespace, String name, ObjectNode binding, WriteOptions options) {
        fence(options);
        String node = Trees.text(binding, "target", "name");
        if (node == null || node.isEmpty()) {
            throw ApiException.invalid(pods.kind(), name,
                    List.of(new StatusCause("FieldValueRequired", "Required value", "target.name")));
        }
        String uid = Trees.text(binding, "metadata", "uid");
        for (int attempt = 0; ; attempt++) {
            StoredEntry entry = entry(pods, namespace, name);
            PodBinding.Bound pod;
            try {
                pod = PodBinding.bind(entry.value(), node, Times.now());
            } catch (IOException e) {
                throw new UncheckedIOException("stored value of " + entry.key() + " is not a JSON object", e);
            }
            if (uid != null && !uid.isEmpty() && !uid.equals(pod.uid())) {
                throw ApiException.conflict(pods.kind(), name, "Precondition failed: UID in precondition: " + uid
                        + ", UID in object meta: " + pod.uid());
            }
            if (pod.marked()) {
                throw ApiException.conflict(pods.kind(), name, "pod " + name
                        + " is being deleted, cannot be assigned to a host");
            }
            if (pod.nodeName() != null && !pod.nodeName().isEmpty()) {
                throw ApiException.conflict(pods.kind(), name, "pod " + name + " is already assigned to node \""
                        + pod.nodeName() + "\"");
            }
            if (options.dryRun()) {
                return;
            }
            try {
                store().update(entry.key(), pod.value(), entry.modRevision());
                return;
            } catch (StoreException.Conflict e) {
                if (attempt >= WRITE_ATTEMPTS) {
                    throw ApiException.modified(pods.kind(), name);
                }
            } catch (StoreException e) {
                throw storeFailure(e);
            }
        }
    }

    /**
     * Sets a namespace's {@code spec.finalizers} ({@code PUT namespaces/NAME/finalize}): the one
     * write that may change them (an update keeps them, as kube-apiserver's namespace strategy
     * does, so this cannot go through {@link #write}); a terminating namespace whose finalizers
     * are all gone is removed.
     */
    public ObjectNode finalizeNamespace(KindStrategy namespaces, String name, ObjectNode body, WriteOptions options) {
        fence(options);
        JsonNode finalizers = body.path("spec").path("finalizers");
        for (int attempt = 0; ; attempt++) {
            StoredEntry entry = entry(namespaces, null, name);
            ObjectNode old = decode(entry);
            ObjectNode updated = old.deepCopy();
            Trees.object(updated, "spec").set("finalizers", finalizers.isArray() ? finalizers.deepCopy()
                    : Json.mapper().createArrayNode());
            Validator v = new Validator();
            namespaces.validate(updated, v);
            if (!v.isEmpty()) {
                throw invalid(namespaces, updated, v.causes());
            }
            if (Trees.same(updated, old) || options.dryRun()) {
                return updated;
            }
            try {
                if (isMarked(updated) && namespaces.readyToRemove(updated)) {
                    store().delete(entry.key(), entry.modRevision());
                    return updated;
                }
                return decode(store().update(entry.key(), encode(updated), entry.modRevision()));
            } catch (StoreException.Conflict e) {
                if (attempt >= WRITE_ATTEMPTS) {
                    throw ApiException.modified(namespaces.kind(), name);
                }
            } catch (StoreException.KeyNotFound e) {
                throw ApiException.notFound(namespaces.kind(), name);
            } catch (StoreException e) {
                throw storeFailure(e);
            }
        }
    }

    // --- helpers ---

    private void validateMetadata(KindStrategy kind, ObjectNode object, Validator v) {
        ObjectNode metadata = Trees.object(object, "metadata");
        String name = Trees.text(metadata, "name");
        if (name == null || name.isEmpty()) {
            v.required("metadata.name", "name or generateName is required");
        } else {
            v.name("metadata.name", name, kind.nameRule());
        }
        String generateName = Trees.text(metadata, "generateName");
        if (generateName != null && !generateName.isEmpty() && (name == null || name.isEmpty())) {
            v.name("metadata.generateName", generateName + "a", kind.nameRule());
        }
        if (kind.kind().namespaced()) {
            String namespace = Trees.text(metadata, "namespace");
            if (namespace == null || namespace.isEmpty()) {
                v.required("metadata.namespace");
            } else {
                v.dns1123Label("metadata.namespace", namespace);
            }
        }
        v.labels("metadata.labels", metadata.get("labels"));
        v.annotations("metadata.annotations", metadata.get("annotations"));
        int i = 0;
        for (JsonNode owner : metadata.path("ownerReferences")) {
            String path = "metadata.ownerReferences[" + i++ + "]";
            for (String field : List.of("apiVersion", "kind", "name", "uid")) {
                if (Trees.isEmpty(owner.get(field))) {
                    v.required(path + "." + field);
                }
            }
        }
        i = 0;
        List<String> finalizers = new ArrayList<>();
        for (JsonNode finalizer : metadata.path("finalizers")) {
            v.qualifiedName("metadata.finalizers[" + i++ + "]", finalizer.asText());
            finalizers.add(finalizer.asText());
        }
        if (finalizers.contains(ORPHAN_FINALIZER) && finalizers.contains(FOREGROUND_FINALIZER)) {
            v.invalid("metadata.finalizers", goStrings(finalizers), "finalizer " + ORPHAN_FINALIZER + " and "
                    + FOREGROUND_FINALIZER + " cannot be both set");
        }
    }

    /**
     * An update of an object being deleted may remove finalizers, never add one (as
     * ValidateObjectMetaUpdate): nothing may hold back a deletion that has begun.
     */
    private static void validateNoNewFinalizers(ObjectNode old, ObjectNode updated, Validator v) {
        if (!isMarked(old)) {
            return;
        }
        java.util.Set<String> before = new java.util.HashSet<>();
        old.path("metadata").path("finalizers").forEach(f -> before.add(f.asText()));
        List<String> added = new ArrayList<>();
        for (JsonNode finalizer : updated.path("metadata").path("finalizers")) {
            if (!before.contains(finalizer.asText())) {
                added.add(finalizer.asText());
            }
        }
        if (!added.isEmpty()) {
            v.forbidden("metadata.finalizers", "no new finalizers can be added if the object is being deleted, found "
                    + "new finalizers " + goStrings(added));
        }
    }

    /** A list of strings as Go's {@code %#v} prints it in Kubernetes' messages: {@code []string{"a", "b"}}. */
    private static Object goStrings(List<String> values) {
        String shown = "[]string{" + String.join(", ", values.stream().map(value -> "\"" + value + "\"").toList()) + "}";
        return new Object() {
            @Override
            public String toString() {
                return shown;
            }
        };
    }

    private static void checkTypeMeta(KindStrategy kind, ObjectNode object) {
        String apiVersion = Trees.text(object, "apiVersion");
        String kindName = Trees.text(object, "kind");
        if (apiVersion != null && !apiVersion.isEmpty() && !apiVersion.equals(kind.kind().apiVersion())) {
            throw ApiException.badRequest("the API version in the data (" + apiVersion + ") does not match the "
                    + "expected API version (" + kind.kind().apiVersion() + ")");
        }
        if (kindName != null && !kindName.isEmpty() && !kindName.equals(kind.kind().kind())) {
            throw ApiException.badRequest("the kind in the data (" + kindName + ") does not match the expected kind ("
                    + kind.kind().kind() + ")");
        }
        object.put("apiVersion", kind.kind().apiVersion());
        object.put("kind", kind.kind().kind());
    }

    private static void checkName(String name, ObjectNode object) {
        String own = Trees.text(object, "metadata", "name");
        if (own == null || own.isEmpty()) {
            Trees.object(object, "metadata").put("name", name);
        } else if (!own.equals(name)) {
            throw ApiException.badRequest("the name of the object (" + own + ") does not match the name on the URL ("
                    + name + ")");
        }
    }

    private static String namespaceOf(String namespace, ObjectNode object) {
        String own = Trees.text(object, "metadata", "namespace");
        if (namespace != null && own != null && !own.isEmpty() && !own.equals(namespace)) {
            throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on "
                    + "the request");
        }
        String chosen = namespace != null ? namespace : own == null || own.isEmpty() ? "default" : own;
        Trees.object(object, "metadata").put("namespace", chosen);
        return chosen;
    }

    private StoredEntry entry(KindStrategy kind, String namespace, String name) {
        return store().get(key(kind, namespace, name)).orElseThrow(() -> ApiException.notFound(kind.kind(), name));
    }

    private static ApiException invalid(KindStrategy kind, ObjectNode object, List<StatusCause> causes) {
        String name = Trees.text(object, "metadata", "name");
        return ApiException.invalid(kind.kind(), name == null ? "" : name, causes);
    }

    /** A failure of the backend itself (not of the request), such as a refused write in a minority. */
    static ApiException storeFailure(StoreException e) {
        if (e instanceof StoreException.Compacted) {
            return ApiException.expired(e.getMessage());
        }
        return ApiException.unavailable("the storage backend refused the request: " + e.getMessage());
    }

    private String suffix() {
        char[] chars = new char[5];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = NAME_SUFFIX[random.nextInt(NAME_SUFFIX.length)];
        }
        return new String(chars);
    }
}
