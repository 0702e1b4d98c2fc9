package io.gantry.apiserver.registry;

import io.gantry.api.client.ResourceKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The kinds the API server serves, found by resource (for URLs), by apiVersion and kind (for
 * bodies) and by any name a user types (plural, singular, short name, kind, {@code
 * plural.group}), as kubectl's RESTMapper finds them.
 */
public final class Kinds {

    private final List<KindStrategy> strategies;
    private final Map<String, KindStrategy> byResource = new LinkedHashMap<>();
    private final Map<String, KindStrategy> byKind = new LinkedHashMap<>();

    public Kinds(List<KindStrategy> strategies) {
        this.strategies = List.copyOf(strategies);
        for (KindStrategy strategy : strategies) {
            ResourceKind<?> kind = strategy.kind();
            if (byResource.putIfAbsent(resourceKey(kind.group(), kind.version(), kind.plural()), strategy) != null) {
                throw new IllegalArgumentException("two strategies serve " + kind.qualifiedName() + " " + kind.version());
            }
            byKind.putIfAbsent(kind.apiVersion() + "/" + kind.kind(), strategy);
        }
    }

    /** Every kind, in the order given. */
    public List<KindStrategy> all() {
        return strategies;
    }

    /** The kind served at {@code /api[s]/GROUP/VERSION/PLURAL}. */
    public Optional<KindStrategy> byResource(String group, String version, String plural) {
        return Optional.ofNullable(byResource.get(resourceKey(group, version, plural)));
    }

    /** The kind of a body with this apiVersion and kind. */
    public Optional<KindStrategy> byKind(String apiVersion, String kind) {
        return Optional.ofNullable(byKind.get(apiVersion + "/" + kind));
    }

    /** The strategy of a typed kind. */
    public KindStrategy of(ResourceKind<?> kind) {
        return byResource(kind.group(), kind.version(), kind.plural())
                .orElseThrow(() -> new IllegalArgumentException("no strategy serves " + kind.qualifiedName()));
    }

    /**
     * The kind a user means by a name: a plural, a singular, a short name or a kind, optionally
     * qualified by group ({@code deployments.apps}), case-insensitive.
     */
    public Optional<KindStrategy> resolve(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        String group = null;
        int dot = wanted.indexOf('.');
        if (dot > 0) {
            group = wanted.substring(dot + 1);
            wanted = wanted.substring(0, dot);
        }
        for (KindStrategy strategy : strategies) {
            ResourceKind<?> kind = strategy.kind();
            if (group != null && !kind.group().equals(group)) {
                continue;
            }
            if (kind.plural().equals(wanted) || kind.singular().equals(wanted)
                    || kind.kind().toLowerCase(Locale.ROOT).equals(wanted) || kind.shortNames().contains(wanted)) {
                return Optional.of(strategy);
            }
        }
        return Optional.empty();
    }

    /** The kinds of one category, such as {@code all}. */
    public List<KindStrategy> category(String category) {
        List<KindStrategy> members = new ArrayList<>();
        for (KindStrategy strategy : strategies) {
            if (strategy.categories().contains(category)) {
                members.add(strategy);
            }
        }
        return members;
    }

    /** Every group/version served ({@code v1}, {@code apps/v1}, ...), in order of first appearance. */
    public List<String> groupVersions() {
        List<String> versions = new ArrayList<>();
        for (KindStrategy strategy : strategies) {
            String version = strategy.kind().apiVersion();
            if (!versions.contains(version)) {
                versions.add(version);
            }
        }
        return versions;
    }

    private static String resourceKey(String group, String version, String plural) {
        return group + "/" + version + "/" + plural;
    }
}
