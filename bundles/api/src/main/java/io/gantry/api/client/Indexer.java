package io.gantry.api.client;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * An informer's indexes: for each index, the cache keys of the objects under each value. Not
 * thread-safe: the informer guards it with its lock.
 */
final class Indexer<T> {

    private final Map<String, Function<? super T, ? extends Collection<String>>> functions = new LinkedHashMap<>();
    private final Map<String, Map<String, Set<String>>> indexes = new HashMap<>();

    /** Adds an index and indexes the objects already cached. */
    void add(String name, Function<? super T, ? extends Collection<String>> function, Map<String, T> objects) {
        if (functions.putIfAbsent(name, function) != null) {
            throw new IllegalArgumentException("the index " + name + " exists");
        }
        Map<String, Set<String>> index = new HashMap<>();
        indexes.put(name, index);
        objects.forEach((key, object) -> put(index, function, key, object));
    }

    boolean has(String name) {
        return functions.containsKey(name);
    }

    /** Moves a key from the values of its old object (null if new) to those of its new one (null if gone). */
    void update(String key, T previous, T current) {
        for (Map.Entry<String, Function<? super T, ? extends Collection<String>>> entry : functions.entrySet()) {
            Map<String, Set<String>> index = indexes.get(entry.getKey());
            if (previous != null) {
                for (String value : entry.getValue().apply(previous)) {
                    Set<String> keys = index.get(value);
                    if (keys != null && keys.remove(key) && keys.isEmpty()) {
                        index.remove(value);
                    }
                }
            }
            if (current != null) {
                put(index, entry.getValue(), key, current);
            }
        }
    }

    /** The keys under a value of an index; empty if none. */
    Set<String> keys(String name, String value) {
        Map<String, Set<String>> index = indexes.get(name);
        if (index == null) {
            throw new IllegalArgumentException("no index " + name);
        }
        return index.getOrDefault(value, Set.of());
    }

    private void put(Map<String, Set<String>> index, Function<? super T, ? extends Collection<String>> function,
                     String key, T object) {
        for (String value : function.apply(object)) {
            index.computeIfAbsent(value, v -> new HashSet<>()).add(key);
        }
    }
}
