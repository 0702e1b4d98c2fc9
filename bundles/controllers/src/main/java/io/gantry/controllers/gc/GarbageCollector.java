package io.gantry.controllers.gc;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ApiResource;
import io.gantry.api.client.Indexes;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.GenericObject;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.meta.v1.OwnerReference;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerContext;
import io.gantry.controllers.ObjectUpdates;
import io.gantry.controllers.OwnerReferences;
import io.gantry.controllers.WorkQueue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what belongs to nothing, as Kubernetes' garbage collector: an object whose every owner
 * ({@code metadata.ownerReferences}) is gone is deleted (Background); an owner deleted with
 * {@code propagationPolicy=Foreground} (the API server left it marked, with the
 * {@code foregroundDeletion} finalizer) has its dependents deleted and loses the finalizer once
 * none that block it ({@code blockOwnerDeletion}) is left; an owner deleted with {@code Orphan}
 * (the {@code orphan} finalizer) has its dependents released (the reference to it removed) and
 * then loses the finalizer. The API server removes an object whose last finalizer went.
 *
 * <p>It follows every kind the API serves (see {@link #followed}) through the shared informers,
 * so finalizers are honoured on every kind: the typed kinds of {@link ResourceKind#all()} and the
 * others the API serves ({@link ControllerContext#served()}) as {@link GenericObject}s
 * ({@code podtemplates}). An owner of a kind the server does not serve is never a reason
 * to delete.
 *
 * <p>An owner is gone only when the API says so: the caches of several kinds lag each other, so
 * an owner missing from its cache is looked up before anything is deleted.
 */
public final class GarbageCollector implements Controller {

    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

    /** The finalizer of a delete with {@code propagationPolicy=Orphan}. */
    public static final String ORPHAN = "orphan";
    /** The finalizer of a delete with {@code propagationPolicy=Foreground}. */
    public static final String FOREGROUND = "foregroundDeletion";
    private static final long UNSYNCED_RETRY_MILLIS = 100;
    private static final int ABSENT_REMEMBERED = 10_000;
    private static final long UNSYNCED_WARNING_NANOS = 30_000_000_000L;

    private final ControllerContext context;
    private final ApiClient api;
    private final Map<String, Informer<? extends KubeObject>> informers = new LinkedHashMap<>();
    private final List<Informer.Registration> registrations = new ArrayList<>();
    /** Owners known to be gone, by uid: a uid is never used again, so once gone, gone for good. */
    private final Set<String> absent = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > ABSENT_REMEMBERED;
                }
            }));
    private WorkQueue queue;
    private volatile long waitingSince;
    private volatile boolean warnedUnsynced;

    public GarbageCollector(ControllerContext context) {
        this.context = context;
        this.api = context.api();
    }

    @Override
    public String name() {
        return "garbage-collector-controller";
    }

    @Override
    public synchronized void start() {
        queue = new WorkQueue("garbage-collector", Math.max(1, context.config().workers()), this::process);
        List<ResourceKind<?>> kinds = followed(context.served());
        for (ResourceKind<?> kind : kinds) {
            informers.put(kind.qualifiedName(), context.informers().informer(kind));
        }
        for (ResourceKind<?> kind : kinds) {
            registrations.add(informers.get(kind.qualifiedName()).addHandler(new Informer.Handler<KubeObject>() {
                @Override
                public void onAdd(KubeObject object) {
                    observe(kind, null, object);
                }

                @Override
                public void onUpdate(KubeObject previous, KubeObject current) {
                    observe(kind, previous, current);
                }

                @Override
                public void onDelete(KubeObject object) {
                    deleted(object);
                }
            }));
        }
    }

    @Override
    public synchronized void close() {
        registrations.forEach(Informer.Registration::close);
        registrations.clear();
        if (queue != null) {
            queue.close();
        }
    }

    /**
     * The kinds followed: every typed kind but {@code events.events.k8s.io} (the same objects as
     * v1 events, which are followed), and every other kind of those the API serves.
     */
    public static List<ResourceKind<?>> followed(List<ApiResource> served) {
        List<ResourceKind<?>> kinds = new ArrayList<>();
        for (ResourceKind<?> kind : ResourceKind.all()) {
            if (kind != ResourceKind.EVENTS_EVENTS_K8S_IO) {
                kinds.add(kind);
            }
        }
        for (ApiResource resource : served) {
            if (ResourceKind.byResource(resource.group(), resource.version(), resource.plural()).isEmpty()) {
                kinds.add(ResourceKind.of(resource.group(), resource.version(), resource.plural(), resource.singular(),
                        resource.kind(), resource.namespaced(), GenericObject.class, List.of()));
            }
        }
        return List.copyOf(kinds);
    }

    // --- what the informers tell ---

    private void observe(ResourceKind<?> kind, KubeObject previous, KubeObject object) {
        if (!OwnerReferences.references(object).isEmpty()) {
            enqueue(kind, object); // its owners may be gone
        }
        if (isMarked(object) && (hasFinalizer(object, ORPHAN) || hasFinalizer(object, FOREGROUND))) {
            enqueue(kind, object);
        }
        if (previous != null && (isMarked(object)
                || !ownerUids(previous).equals(ownerUids(object)))) {
            // an owner waiting for its dependents may be done: this one goes or let go of it
            enqueueWaitingOwners(previous);
        }
    }

    private void deleted(KubeObject object) {
        for (Dependent dependent : dependents(object)) {
            enqueue(dependent.kind(), dependent.object());
        }
        enqueueWaitingOwners(object);
    }

    private void enqueueWaitingOwners(KubeObject dependent) {
        for (OwnerReference reference : OwnerReferences.references(dependent)) {
            ResourceKind<?> kind = kindOf(reference);
            Informer<? extends KubeObject> informer = kind == null ? null : informers.get(kind.qualifiedName());
            if (informer == null) {
                continue;
            }
            informer.get(kind.namespaced() ? dependent.metadata.namespace : null, reference.name)
                    .filter(owner -> Objects.equals(owner.metadata.uid, reference.uid))
                    .filter(owner -> isMarked(owner) && hasFinalizer(owner, FOREGROUND))
                    .ifPresent(owner -> enqueue(kind, owner));
        }
    }

    private void enqueue(ResourceKind<?> kind, KubeObject object) {
        WorkQueue current = queue;
        if (current != null) {
            String namespace = object.metadata.namespace == null ? "" : object.metadata.namespace;
            current.add(kind.qualifiedName() + "|" + namespace + "|" + object.metadata.name);
        }
    }

    // --- the work ---

    private void process(String key) {
        if (!informers.values().stream().allMatch(Informer::hasSynced)) {
            // dependents are found in the caches: a partial one would let an owner go too soon
            warnIfStillUnsynced();
            queue.addAfter(key, UNSYNCED_RETRY_MILLIS);
            return;
        }
        String[] parts = key.split("\\|", 3);
        Informer<? extends KubeObject> informer = informers.get(parts[0]);
        ResourceKind<? extends KubeObject> kind = informer.kind();
        Optional<? extends KubeObject> cached = informer.get(parts[1].isEmpty() ? null : parts[1], parts[2]);
        if (cached.isEmpty()) {
            return;
        }
        KubeObject object = cached.get();
        if (isMarked(object)) {
            if (hasFinalizer(object, ORPHAN)) {
                orphanDependents(object);
                removeFinalizer(kind, object, ORPHAN);
            } else if (hasFinalizer(object, FOREGROUND)) {
                deleteDependents(kind, object);
            }
            return; // going already: its own owners no longer matter
        }
        if (!OwnerReferences.references(object).isEmpty()) {
            attemptToDelete(kind, object);
        }
    }

    /** Says once, after a while, which kinds hold the collector back (a kind the API does not serve). */
    private void warnIfStillUnsynced() {
        long now = System.nanoTime();
        if (waitingSince == 0) {
            waitingSince = now;
        } else if (!warnedUnsynced && now - waitingSince > UNSYNCED_WARNING_NANOS) {
            warnedUnsynced = true;
            LOG.warn("The garbage collector waits for the informers of {} to list: nothing is collected until they do",
                    informers.values().stream().filter(i -> !i.hasSynced()).map(i -> i.kind().qualifiedName()).toList());
        }
    }

    /**
     * Foreground: the dependents not yet going are deleted; the owner's finalizer goes once no
     * dependent that blocks it is left.
     */
    private void deleteDependents(ResourceKind<? extends KubeObject> kind, KubeObject owner) {
        List<Dependent> dependents = dependents(owner);
        boolean blocked = false;
        for (Dependent dependent : dependents) {
            if (blocks(dependent.object(), owner.metadata.uid)) {
                blocked = true;
            }
            if (!isMarked(dependent.object())) {
                enqueue(dependent.kind(), dependent.object());
            }
        }
        if (!blocked) {
            removeFinalizer(kind, owner, FOREGROUND);
            LOG.info("{} {} has no dependents left: its foreground deletion ends", kind.kind(), name(owner));
        }
    }

    /**
     * Orphan: every dependent loses its reference to the owner. The dependents are read from the
     * API, not the caches: one a cache has not shown yet would keep a reference to an owner about
     * to be gone, and be collected as an orphan's dependent must not be.
     */
    private void orphanDependents(KubeObject owner) {
        String uid = owner.metadata.uid;
        for (Dependent dependent : liveDependents(owner)) {
            KubeObject object = dependent.object();
            ObjectUpdates.update(api, dependent.kind(), object.metadata.namespace, object.metadata.name,
                    object.metadata.uid, current -> OwnerReferences.remove(current, uid));
        }
        LOG.info("{} {} is deleted orphaning its dependents", owner.kind, name(owner));
    }

    /** An object none of whose owners is left goes, as {@code attemptToDeleteItem}. */
    private void attemptToDelete(ResourceKind<? extends KubeObject> kind, KubeObject object) {
        List<OwnerReference> solid = new ArrayList<>();
        Set<String> dangling = new HashSet<>();
        Set<String> waiting = new HashSet<>();
        for (OwnerReference reference : OwnerReferences.references(object)) {
            switch (ownerState(reference, object.metadata.namespace)) {
                case ABSENT -> dangling.add(reference.uid);
                case WAITING_FOR_DEPENDENTS -> waiting.add(reference.uid);
                default -> solid.add(reference);
            }
        }
        if (!solid.isEmpty()) {
            if (!dangling.isEmpty() || !waiting.isEmpty()) {
                // it stays for its other owners, without the references that would hold it back
                Set<String> gone = new HashSet<>(dangling);
                gone.addAll(waiting);
                ObjectUpdates.update(api, kind, object.metadata.namespace, object.metadata.name, object.metadata.uid,
                        current -> {
                            boolean changed = false;
                            for (String uid : gone) {
                                changed |= OwnerReferences.remove(current, uid);
                            }
                            return changed;
                        });
            }
            return;
        }
        String policy;
        if (!waiting.isEmpty() && !dependents(object).isEmpty()) {
            policy = "Foreground"; // so that the waiting owner also waits for this one's dependents
        } else if (hasFinalizer(object, ORPHAN)) {
            policy = "Orphan";
        } else if (hasFinalizer(object, FOREGROUND)) {
            policy = "Foreground";
        } else {
            policy = "Background";
        }
        DeleteOptions options = new DeleteOptions();
        options.propagationPolicy = policy;
        options.preconditions = new DeleteOptions.Preconditions();
        options.preconditions.uid = object.metadata.uid;
        // only the version judged: a cached copy may be behind one that has lost the reference
        // since (an orphaned dependent), and that one must stay
        options.preconditions.resourceVersion = object.metadata.resourceVersion;
        try {
            api.delete(kind, object.metadata.namespace, object.metadata.name, options);
            LOG.info("Deleted {} {} ({}): {}", kind.kind(), name(object), policy,
                    waiting.isEmpty() ? "its owners are gone" : "its owner is deleted in the foreground");
        } catch (ApiException e) {
            if (!e.isNotFound() && !e.isConflict()) {
                throw e;
            }
        }
    }

    private enum OwnerState { PRESENT, ABSENT, WAITING_FOR_DEPENDENTS, UNRESOLVABLE }

    /** Whether an owner exists, confirmed in the API before it is called absent. */
    private OwnerState ownerState(OwnerReference reference, String dependentNamespace) {
        if (reference.uid == null || absent.contains(reference.uid)) {
            return OwnerState.ABSENT;
        }
        ResourceKind<?> kind = kindOf(reference);
        if (kind == null) {
            return OwnerState.UNRESOLVABLE; // a kind this server does not serve: never a reason to delete
        }
        String namespace = kind.namespaced() ? dependentNamespace : null;
        Informer<? extends KubeObject> informer = informers.get(kind.qualifiedName());
        Optional<? extends KubeObject> owner = informer == null ? Optional.empty()
                : informer.get(namespace, reference.name).filter(o -> Objects.equals(o.metadata.uid, reference.uid));
        if (owner.isEmpty()) {
            owner = api.find(kind, namespace, reference.name).filter(o -> Objects.equals(o.metadata.uid, reference.uid));
        }
        if (owner.isEmpty()) {
            absent.add(reference.uid);
            return OwnerState.ABSENT;
        }
        return isMarked(owner.get()) && hasFinalizer(owner.get(), FOREGROUND) ? OwnerState.WAITING_FOR_DEPENDENTS
                : OwnerState.PRESENT;
    }

    private record Dependent(ResourceKind<? extends KubeObject> kind, KubeObject object) {
    }

    /** The cached objects that name this owner: of its namespace, or of any for a cluster-scoped owner. */
    private List<Dependent> dependents(KubeObject owner) {
        List<Dependent> found = new ArrayList<>();
        String uid = owner.metadata.uid;
        if (uid == null) {
            return found;
        }
        for (Informer<? extends KubeObject> informer : informers.values()) {
            for (KubeObject object : informer.byIndex(Indexes.OWNER, uid)) {
                if (owner.metadata.namespace == null || owner.metadata.namespace.isEmpty()
                        || owner.metadata.namespace.equals(object.metadata.namespace)) {
                    found.add(new Dependent(informer.kind(), object));
                }
            }
        }
        return found;
    }

    /** The dependents of an owner as the API has them now (a list of each followed kind). */
    private List<Dependent> liveDependents(KubeObject owner) {
        List<Dependent> found = new ArrayList<>();
        String uid = owner.metadata.uid;
        if (uid == null) {
            return found;
        }
        String namespace = owner.metadata.namespace == null || owner.metadata.namespace.isEmpty()
                ? null : owner.metadata.namespace;
        for (Informer<? extends KubeObject> informer : informers.values()) {
            ResourceKind<? extends KubeObject> kind = informer.kind();
            for (KubeObject object : api.list(kind, kind.namespaced() ? namespace : null, ListOptions.ALL).items) {
                if (OwnerReferences.references(object).stream().anyMatch(r -> uid.equals(r.uid))) {
                    found.add(new Dependent(kind, object));
                }
            }
        }
        return found;
    }

    private static boolean blocks(KubeObject dependent, String ownerUid) {
        return OwnerReferences.references(dependent).stream()
                .anyMatch(r -> ownerUid.equals(r.uid) && Boolean.TRUE.equals(r.blockOwnerDeletion));
    }

    private <T extends KubeObject> void removeFinalizer(ResourceKind<T> kind, KubeObject object, String finalizer) {
        ObjectUpdates.update(api, kind, object.metadata.namespace, object.metadata.name, object.metadata.uid,
                current -> current.metadata.finalizers != null && current.metadata.finalizers.remove(finalizer));
    }

    /** The followed kind a reference names, by group and kind (any version); null if none. */
    private ResourceKind<?> kindOf(OwnerReference reference) {
        if (reference.apiVersion == null || reference.kind == null) {
            return null;
        }
        int slash = reference.apiVersion.indexOf('/');
        String group = slash < 0 ? "" : reference.apiVersion.substring(0, slash);
        for (Informer<? extends KubeObject> informer : informers.values()) {
            ResourceKind<?> kind = informer.kind();
            if (kind.group().equals(group) && kind.kind().equals(reference.kind)) {
                return kind;
            }
        }
        return null;
    }

    private static List<String> ownerUids(KubeObject object) {
        return OwnerReferences.references(object).stream().map(r -> r.uid).toList();
    }

    private static boolean isMarked(KubeObject object) {
        return object.metadata.deletionTimestamp != null;
    }

    private static boolean hasFinalizer(KubeObject object, String finalizer) {
        return object.metadata.finalizers != null && object.metadata.finalizers.contains(finalizer);
    }

    private static String name(KubeObject object) {
        return object.metadata.namespace == null ? object.metadata.name
                : object.metadata.namespace + "/" + object.metadata.name;
    }
}
