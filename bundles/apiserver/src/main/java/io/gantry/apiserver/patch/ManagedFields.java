package io.gantry.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An object's {@code metadata.managedFields}: per manager (name, operation Apply or Update, and
 * for Update the apiVersion and subresource), the set of fields it owns, the apiVersion of that
 * set and the time of its last change.
 */
final class ManagedFields {

    static final String APPLY = "Apply";
    static final String UPDATE = "Update";
    static final String ANCIENT_CHANGES = "ancient-changes";
    /** kube-apiserver's cap on Update entries per object. */
    static final int MAX_UPDATERS = 10;

    /** Who owns fields: one managedFields entry, without its fields and time. */
    record Manager(String name, String operation, String apiVersion, String subresource) {

        static Manager apply(String name, String subresource) {
            return new Manager(name, APPLY, null, subresource);
        }

        static Manager update(String name, String apiVersion, String subresource) {
            return new Manager(name, UPDATE, apiVersion, subresource);
        }

        /** As kube-apiserver names a manager in a conflict. */
        String describe() {
            String text = JsonValues.quote(name);
            if (subresource != null && !subresource.isEmpty()) {
                text += " with subresource " + JsonValues.quote(subresource);
            }
            return operation.equals(UPDATE) ? text + " using " + apiVersion : text;
        }
    }

    /** One manager's fields, at an apiVersion, last changed at a time (null when never). */
    record Entry(FieldSet fields, String apiVersion, Instant time) {
    }

    private final Map<Manager, Entry> entries;

    private ManagedFields(Map<Manager, Entry> entries) {
        this.entries = entries;
    }

    static ManagedFields empty() {
        return new ManagedFields(new LinkedHashMap<>());
    }

    Map<Manager, Entry> entries() {
        return entries;
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** A copy whose entries can change without changing these (entries themselves are values). */
    ManagedFields copy() {
        return new ManagedFields(new LinkedHashMap<>(entries));
    }

    /**
     * Keeps at most {@code max} Update entries: the oldest are merged, per apiVersion, into one
     * entry of the manager {@code ancient-changes}, as kube-apiserver caps them, so that a stream
     * of writers with distinct names does not grow the object without bound.
     */
    void capUpdaters(int max) {
        List<Manager> updaters = new ArrayList<>();
        entries.forEach((manager, entry) -> {
            if (manager.operation().equals(UPDATE)) {
                updaters.add(manager);
            }
        });
        if (updaters.size() <= max) {
            return;
        }
        updaters.sort(Comparator.<Manager>comparingLong(m -> seconds(entries.get(m).time())).thenComparing(Manager::name));
        Map<String, Manager> firstPerVersion = new LinkedHashMap<>();
        int length = updaters.size();
        for (int i = 0; i < updaters.size() && length > max; i++) {
            Manager manager = updaters.get(i);
            Entry entry = entries.get(manager);
            String version = String.valueOf(entry.apiVersion());
            Manager first = firstPerVersion.get(version);
            if (first == null) {
                firstPerVersion.put(version, manager);
                continue;
            }
            Manager bucket = Manager.update(ANCIENT_CHANGES, entry.apiVersion(), null);
            if (!entries.containsKey(bucket)) {
                entries.put(bucket, entries.remove(first));
            }
            entries.put(bucket, new Entry(entry.fields().union(entries.get(bucket).fields()), entry.apiVersion(), entry.time()));
            entries.remove(manager);
            length--;
        }
    }

    private static long seconds(Instant time) {
        return time == null ? 0 : time.getEpochSecond();
    }

    /** Reads metadata.managedFields of an object; a malformed list is a bad request. */
    static ManagedFields of(JsonNode object) {
        ManagedFields result = empty();
        JsonNode list = object == null ? null : object.path("metadata").get("managedFields");
        if (list == null || list.isNull()) {
            return result;
        }
        if (!list.isArray()) {
            throw ApiException.badRequest("metadata.managedFields: must be a list");
        }
        for (JsonNode item : list) {
            String operation = item.path("operation").asText("");
            if (!operation.equals(APPLY) && !operation.equals(UPDATE)) {
                throw ApiException.badRequest("metadata.managedFields: operation must be Apply or Update, not \""
                        + operation + "\"");
            }
            String apiVersion = item.path("apiVersion").asText(null);
            String subresource = item.path("subresource").asText(null);
            String name = item.path("manager").asText("");
            Manager manager = operation.equals(APPLY) ? Manager.apply(name, subresource)
                    : Manager.update(name, apiVersion, subresource);
            Instant time = null;
            if (item.hasNonNull("time")) {
                try {
                    time = Instant.parse(item.get("time").asText());
                } catch (java.time.format.DateTimeParseException e) {
                    throw ApiException.badRequest("metadata.managedFields: time \"" + item.get("time").asText()
                            + "\" is not an RFC 3339 time");
                }
            }
            FieldSet fields = FieldSet.fromFieldsV1(item.get("fieldsV1"));
            Entry previous = result.entries.get(manager);
            result.entries.put(manager, new Entry(previous == null ? fields : previous.fields().union(fields), apiVersion, time));
        }
        return result;
    }

    /** The managedFields list, sorted as kube-apiserver sorts it: Apply first, then by time and manager. */
    ArrayNode toJson() {
        List<Map.Entry<Manager, Entry>> sorted = new ArrayList<>(entries.entrySet());
        sorted.removeIf(e -> e.getValue().fields().isEmpty());
        sorted.sort(Comparator.<Map.Entry<Manager, Entry>, String>comparing(e -> e.getKey().operation())
                .thenComparing(e -> e.getValue().time() == null ? 0 : e.getValue().time().getEpochSecond())
                .thenComparing(e -> e.getKey().name())
                .thenComparing(e -> e.getValue().apiVersion() == null ? "" : e.getValue().apiVersion())
                .thenComparing(e -> e.getKey().subresource() == null ? "" : e.getKey().subresource()));
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (Map.Entry<Manager, Entry> e : sorted) {
            ObjectNode item = list.addObject();
            item.put("manager", e.getKey().name());
            item.put("operation", e.getKey().operation());
            if (e.getValue().apiVersion() != null) {
                item.put("apiVersion", e.getValue().apiVersion());
            }
            if (e.getValue().time() != null) {
                item.put("time", DateTimeFormatter.ISO_INSTANT.format(e.getValue().time().truncatedTo(ChronoUnit.SECONDS)));
            }
            item.put("fieldsType", "FieldsV1");
            item.set("fieldsV1", e.getValue().fields().toFieldsV1());
            if (e.getKey().subresource() != null && !e.getKey().subresource().isEmpty()) {
                item.put("subresource", e.getKey().subresource());
            }
        }
        return list;
    }
}
