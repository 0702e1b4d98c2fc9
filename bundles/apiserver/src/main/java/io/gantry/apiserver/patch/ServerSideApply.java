package io.gantry.apiserver.patch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import io.gantry.api.client.ApiException;
import io.gantry.api.meta.v1.StatusCause;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Server-side apply, {@code application/apply-patch+yaml}, and the field ownership every write
 * records in {@code metadata.managedFields}, as kube-apiserver's field manager keeps them
 * (structured-merge-diff semantics): an apply merges the manager's configuration into the live
 * object, takes ownership of the fields it sets, fails with 409 Conflict on fields another manager
 * owns with a different value unless forced, and removes the fields the manager applied before
 * and applies no more when nobody else owns them. Pure functions on Jackson trees.
 */
public final class ServerSideApply {

    public static final String MEDIA_TYPE = "application/apply-patch+yaml";

    /** The manager kube-apiserver gives the fields of an object first applied without managedFields. */
    static final String BEFORE_FIRST_APPLY = "before-first-apply";

    /** The field manager kubectl apply --server-side uses, which the last-applied annotation concerns. */
    private static final String KUBECTL = "kubectl";
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Go writes JSON objects with their keys sorted. */
    private static final ObjectMapper SORTED = new ObjectMapper()
            .configure(JsonNodeFeature.WRITE_PROPERTIES_SORTED, true);

    /** Conflicts are reported manager by manager, in the order of their names. */
    private static final Comparator<ManagedFields.Manager> MANAGER_ORDER = Comparator
            .comparing(ManagedFields.Manager::name).thenComparing(ManagedFields.Manager::operation)
            .thenComparing(m -> String.valueOf(m.apiVersion()));

    /** Fields the server sets, never owned by a manager (the field manager's strip set). */
    private static final FieldSet SERVER_FIELDS = serverFields();

    private ServerSideApply() {
    }

    private static FieldSet serverFields() {
        FieldSet set = new FieldSet();
        for (String top : List.of("apiVersion", "kind", "metadata")) {
            set.insert(List.of("f:" + top));
        }
        for (String meta : List.of("name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName",
                "generation", "managedFields", "resourceVersion")) {
            set.insert(List.of("f:metadata", "f:" + meta));
        }
        return set;
    }

    /**
     * Applies a configuration for a field manager.
     *
     * @param kind the kind's top-level protobuf message, e.g. {@code V1Apps.Deployment.getDescriptor()}
     * @param apiVersion the version the request is served at, e.g. {@code apps/v1}
     * @param live the stored object, or null when there is none (apply creates it: upsert)
     * @param applied the request body, decoded from YAML or JSON
     * @param fieldManager the {@code fieldManager} query parameter (required for apply)
     * @param force {@code force=true} ({@code kubectl apply --server-side --force-conflicts})
     * @param ignoredFields top-level fields this endpoint does not let a manager own, e.g. {@code status}
     *     on the main resource of a kind with a status subresource; empty for none
     * @param now the time recorded for the manager when the object changes
     * @return the object to store, with {@code metadata.managedFields}
     * @throws ApiException 409 Conflict with one cause per field another manager owns, 400 BadRequest
     *     for a configuration that cannot be applied (managedFields set, a list item without its key)
     */
    public static ObjectNode apply(Descriptor kind, String apiVersion, ObjectNode live, JsonNode applied,
                                   String fieldManager, boolean force, Set<String> ignoredFields, Instant now) {
        if (applied == null || !applied.isObject()) {
            throw ApiException.badRequest("error decoding patch: the apply configuration must be an object");
        }
        JsonNode managedInPatch = applied.path("metadata").get("managedFields");
        if (managedInPatch != null && !managedInPatch.isNull()) {
            throw ApiException.badRequest("metadata.managedFields must be nil");
        }
        if (fieldManager == null || fieldManager.isEmpty()) {
            throw ApiException.badRequest("PATCH, application/apply-patch+yaml requests require fieldManager to be set");
        }
        FieldType type = FieldType.of(kind);
        ObjectNode current = live == null ? JsonNodeFactory.instance.objectNode() : live.deepCopy();
        ManagedFields managed = ManagedFields.of(current);
        withoutManagedFields(current);
        if (managed.isEmpty() && !current.isEmpty()) {
            // An object written before any field was tracked: its fields go to one manager, so
            // that this apply conflicts with them as it would with any other writer's.
            recordUpdate(type, JsonNodeFactory.instance.objectNode(), current, managed,
                    ManagedFields.Manager.update(BEFORE_FIRST_APPLY, apiVersion, null), apiVersion, ignoredFields, now);
        }
        ObjectNode config = ((ObjectNode) applied).deepCopy();
        ManagedFields.Manager applier = ManagedFields.Manager.apply(fieldManager, null);
        Outcome outcome = merge(type, apiVersion, current, managed.copy(), config, applier, force, ignoredFields, now);
        if (!outcome.conflicts().isEmpty() && fieldManager.equals(KUBECTL)) {
            // kubectl's move from client-side to server-side apply: fields that the last-applied
            // annotation still describes as they are may be taken from their client-side owner.
            FieldSet allowed = fromLastApplied(type, apiVersion, current);
            if (allowed != null) {
                Map<ManagedFields.Manager, FieldSet> remaining = new TreeMap<>(MANAGER_ORDER);
                outcome.conflicts().forEach((manager, set) -> {
                    FieldSet left = set.difference(allowed);
                    if (!left.isEmpty()) {
                        remaining.put(manager, left);
                    }
                });
                outcome = remaining.isEmpty()
                        ? merge(type, apiVersion, current, managed.copy(), config, applier, true, ignoredFields, now)
                        : new Outcome(null, remaining);
            }
        }
        if (!outcome.conflicts().isEmpty()) {
            throw conflict(outcome.conflicts());
        }
        ObjectNode result = outcome.object();
        if (fieldManager.equals(KUBECTL)) {
            syncLastApplied(result, config);
        }
        return result;
    }

    /** The applied object, or the conflicts that stopped it. */
    private record Outcome(ObjectNode object, Map<ManagedFields.Manager, FieldSet> conflicts) {
    }

    /** One apply as structured-merge-diff's Updater.Apply does it (managed is changed). */
    private static Outcome merge(FieldType type, String apiVersion, ObjectNode current, ManagedFields managed,
                                 ObjectNode config, ManagedFields.Manager applier, boolean force,
                                 Set<String> ignoredFields, Instant now) {
        JsonNode mergedValue = TypedWalk.merge(current, config, type);
        ObjectNode merged = mergedValue instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
        ManagedFields.Entry last = managed.entries().get(applier);
        FieldSet appliedSet = without(TypedWalk.fieldSet(config, type), ignoredFields);
        managed.entries().put(applier, new ManagedFields.Entry(appliedSet, apiVersion, last == null ? null : last.time()));
        merged = prune(merged, managed, last == null ? null : last.fields(), type);

        TypedWalk.Comparison change = TypedWalk.compare(current, merged, type);
        FieldSet changed = without(change.modified().union(change.added()), ignoredFields);
        FieldSet removed = without(change.removed(), ignoredFields);
        Map<ManagedFields.Manager, FieldSet> conflicts = new TreeMap<>(MANAGER_ORDER);
        for (Map.Entry<ManagedFields.Manager, ManagedFields.Entry> e : managed.entries().entrySet()) {
            if (e.getKey().equals(applier)) {
                continue;
            }
            FieldSet conflict = e.getValue().fields().intersection(changed);
            if (!conflict.isEmpty()) {
                conflicts.put(e.getKey(), conflict);
            }
        }
        if (!force && !conflicts.isEmpty()) {
            return new Outcome(null, conflicts);
        }
        for (Map.Entry<ManagedFields.Manager, ManagedFields.Entry> e : managed.entries().entrySet()) {
            if (e.getKey().equals(applier)) {
                continue;
            }
            FieldSet lost = conflicts.getOrDefault(e.getKey(), new FieldSet());
            ManagedFields.Entry entry = e.getValue();
            e.setValue(new ManagedFields.Entry(entry.fields().difference(lost).difference(removed), entry.apiVersion(), entry.time()));
        }
        ManagedFields.Entry mine = managed.entries().get(applier);
        boolean objectChanged = !JsonValues.same(current, merged);
        managed.entries().put(applier, new ManagedFields.Entry(mine.fields().difference(SERVER_FIELDS), apiVersion,
                objectChanged ? now : mine.time()));
        managed.entries().values().removeIf(e -> e.fields().isEmpty());
        managed.capUpdaters(ManagedFields.MAX_UPDATERS);
        return new Outcome(withManagedFields(merged, managed), Map.of());
    }

    /**
     * The fields of the last-applied annotation that still hold the values it gives, or null
     * when there is no usable annotation (kube-apiserver's lastAppliedManager).
     */
    private static FieldSet fromLastApplied(FieldType type, String apiVersion, ObjectNode live) {
        JsonNode text = live.path("metadata").path("annotations").get(LAST_APPLIED);
        if (text == null || !text.isTextual() || text.asText().isEmpty()) {
            return null;
        }
        try {
            JsonNode lastApplied = MAPPER.readTree(text.asText());
            if (!lastApplied.isObject() || !apiVersion.equals(lastApplied.path("apiVersion").asText())) {
                return null;
            }
            TypedWalk.Comparison change = TypedWalk.compare(lastApplied, live, type);
            return TypedWalk.fieldSet(lastApplied, type).difference(change.modified()).difference(change.added())
                    .difference(change.removed());
        } catch (JsonProcessingException | ApiException e) {
            return null;
        }
    }

    /**
     * Keeps the client-side apply annotation in step when kubectl applies server-side, so that a
     * later client-side apply computes its patch from what was applied last.
     */
    private static void syncLastApplied(ObjectNode result, ObjectNode config) {
        JsonNode annotations = result.path("metadata").path("annotations");
        if (!(annotations instanceof ObjectNode map) || !map.path(LAST_APPLIED).isTextual()
                || map.get(LAST_APPLIED).asText().isEmpty()) {
            return;
        }
        ObjectNode applied = config.deepCopy();
        if (applied.path("metadata").path("annotations") instanceof ObjectNode own) {
            own.remove(LAST_APPLIED);
        }
        try {
            map.put(LAST_APPLIED, SORTED.writeValueAsString(applied) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree always serialises
        }
    }

    /**
     * Records the field ownership of an ordinary write (create, update, or a patch other than
     * apply) for its field manager, operation Update, as kube-apiserver does on every write: the
     * manager takes the fields the write added or changed, and every manager loses the fields it
     * changed or removed. An object that exists without managedFields stays untracked, as there.
     *
     * @param old the stored object, or null for a create
     * @param updated the object about to be stored; managedFields it carries replace the stored ones
     * @param subresource the subresource written ({@code status}, {@code scale}), or null
     * @return the updated object with {@code metadata.managedFields}
     */
    public static ObjectNode update(Descriptor kind, String apiVersion, String subresource, ObjectNode old,
                                    ObjectNode updated, String fieldManager, Set<String> ignoredFields, Instant now) {
        FieldType type = FieldType.of(kind);
        ManagedFields managed = ManagedFields.of(updated);
        if (managed.isEmpty() || subresource != null) {
            managed = ManagedFields.of(old);
        }
        ObjectNode before = old == null ? JsonNodeFactory.instance.objectNode() : old.deepCopy();
        ObjectNode after = updated.deepCopy();
        withoutManagedFields(before);
        withoutManagedFields(after);
        if (managed.isEmpty() && old != null) {
            return after;
        }
        String name = fieldManager == null || fieldManager.isEmpty() ? "unknown" : fieldManager;
        recordUpdate(type, before, after, managed, ManagedFields.Manager.update(name, apiVersion, subresource),
                apiVersion, ignoredFields, now);
        managed.capUpdaters(ManagedFields.MAX_UPDATERS);
        return withManagedFields(after, managed);
    }

    private static void recordUpdate(FieldType type, ObjectNode before, ObjectNode after, ManagedFields managed,
                                     ManagedFields.Manager manager, String apiVersion, Set<String> ignoredFields,
                                     Instant now) {
        TypedWalk.Comparison change = TypedWalk.compare(before, after, type);
        FieldSet changed = without(change.modified().union(change.added()), ignoredFields);
        FieldSet removed = without(change.removed(), ignoredFields);
        for (Map.Entry<ManagedFields.Manager, ManagedFields.Entry> e : managed.entries().entrySet()) {
            ManagedFields.Entry entry = e.getValue();
            FieldSet lost = entry.fields().intersection(changed);
            e.setValue(new ManagedFields.Entry(entry.fields().difference(lost).difference(removed),
                    entry.apiVersion(), entry.time()));
        }
        FieldSet taken = changed.difference(SERVER_FIELDS);
        if (!taken.isEmpty()) {
            ManagedFields.Entry previous = managed.entries().get(manager);
            managed.entries().put(manager, new ManagedFields.Entry(
                    previous == null ? taken : taken.union(previous.fields()), apiVersion, now));
        }
        managed.entries().values().removeIf(e -> e.fields().isEmpty());
    }

    /**
     * Removes the fields the manager applied last time and applies no more, unless another
     * manager (or its new configuration) owns them (structured-merge-diff's prune).
     */
    private static ObjectNode prune(ObjectNode merged, ManagedFields managed, FieldSet lastApplied, FieldType type) {
        if (lastApplied == null || lastApplied.isEmpty()) {
            return merged;
        }
        FieldSet last = lastApplied.withNamedFieldsAsMembers(type);
        JsonNode pruned = TypedWalk.removeItems(merged, last, type);
        FieldSet owned = new FieldSet();
        for (ManagedFields.Entry entry : managed.entries().values()) {
            owned = owned.union(entry.fields());
        }
        FieldSet mergedSet = TypedWalk.fieldSet(merged, type).withNamedFieldsAsMembers(type);
        FieldSet prunedSet = TypedWalk.fieldSet(pruned, type).withNamedFieldsAsMembers(type);
        pruned = TypedWalk.removeItems(merged,
                mergedSet.difference(prunedSet.union(owned.withNamedFieldsAsMembers(type))), type);
        prunedSet = TypedWalk.fieldSet(pruned, type).withNamedFieldsAsMembers(type);
        JsonNode result = TypedWalk.removeItems(merged, mergedSet.difference(prunedSet).intersection(last), type);
        return result instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
    }

    private static ApiException conflict(Map<ManagedFields.Manager, FieldSet> conflicts) {
        List<StatusCause> causes = new ArrayList<>();
        Map<ManagedFields.Manager, List<String>> paths = new LinkedHashMap<>();
        conflicts.forEach((manager, set) -> set.forEachPath(path -> {
            String field = FieldSet.print(path);
            causes.add(new StatusCause("FieldManagerConflict", "conflict with " + manager.describe(), field));
            paths.computeIfAbsent(manager, m -> new ArrayList<>()).add(field);
        }));
        String message;
        if (causes.size() == 1) {
            message = "Apply failed with 1 conflict: " + causes.get(0).message + ": " + causes.get(0).field;
        } else {
            List<String> lines = new ArrayList<>();
            paths.forEach((manager, fields) -> {
                lines.add("conflicts with " + manager.describe() + ":");
                fields.forEach(f -> lines.add("- " + f));
            });
            message = "Apply failed with " + causes.size() + " conflicts: " + String.join("\n", lines);
        }
        return ApiException.applyConflict(message, causes);
    }

    private static FieldSet without(FieldSet set, Set<String> topLevelFields) {
        if (topLevelFields == null || topLevelFields.isEmpty()) {
            return set;
        }
        FieldSet ignored = new FieldSet();
        for (String field : topLevelFields) {
            ignored.insert(List.of("f:" + field));
        }
        // Dropping a top-level field's subtree: its members and everything under it.
        FieldSet result = set.difference(ignored);
        FieldSet subtrees = new FieldSet();
        for (String field : topLevelFields) {
            set.withPrefix("f:" + field).forEachPath(path -> {
                List<String> full = new ArrayList<>();
                full.add("f:" + field);
                full.addAll(path);
                subtrees.insert(full);
            });
        }
        return result.difference(subtrees);
    }

    private static void withoutManagedFields(ObjectNode object) {
        JsonNode metadata = object.get("metadata");
        if (metadata instanceof ObjectNode m) {
            m.remove("managedFields");
        }
    }

    private static ObjectNode withManagedFields(ObjectNode object, ManagedFields managed) {
        ArrayNode list = managed.toJson();
        JsonNode metadata = object.get("metadata");
        if (list.isEmpty()) {
            if (metadata instanceof ObjectNode m) {
                m.remove("managedFields");
            }
            return object;
        }
        ObjectNode m = metadata instanceof ObjectNode existing ? existing : object.putObject("metadata");
        m.set("managedFields", list);
        return object;
    }
}
