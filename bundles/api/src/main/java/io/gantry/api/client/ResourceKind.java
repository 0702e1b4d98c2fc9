package io.gantry.api.client;

import io.gantry.api.core.v1.Namespace;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.meta.v1.KubeObject;
import java.util.List;
import java.util.Optional;

/**
 * One kind of stored object as the API serves it: group, version, resource name (plural),
 * kind, whether it lives in a namespace, and its Java type.
 */
public final class ResourceKind<T extends KubeObject> {

    public static final ResourceKind<Pod> PODS =
            new ResourceKind<>("", "v1", "pods", "pod", "Pod", true, Pod.class, List.of("po"));
    public static final ResourceKind<Node> NODES =
            new ResourceKind<>("", "v1", "nodes", "node", "Node", false, Node.class, List.of("no"));
    public static final ResourceKind<Namespace> NAMESPACES =
            new ResourceKind<>("", "v1", "namespaces", "namespace", "Namespace", false, Namespace.class, List.of("ns"));

    private static final List<ResourceKind<?>> ALL = List.of(PODS, NODES, NAMESPACES);

    private final String group;
    private final String version;
    private final String plural;
    private final String singular;
    private final String kind;
    private final boolean namespaced;
    private final Class<T> type;
    private final List<String> shortNames;

    private ResourceKind(String group, String version, String plural, String singular, String kind,
                         boolean namespaced, Class<T> type, List<String> shortNames) {
        this.group = group;
        this.version = version;
        this.plural = plural;
        this.singular = singular;
        this.kind = kind;
        this.namespaced = namespaced;
        this.type = type;
        this.shortNames = shortNames;
    }

    /**
     * A kind's identity for one not declared here, such as a kind the API server serves without a
     * typed model ({@code type} is then {@link KubeObject}).
     */
    public static <T extends KubeObject> ResourceKind<T> of(String group, String version, String plural, String singular,
                                                          String kind, boolean namespaced, Class<T> type,
                                                          List<String> shortNames) {
        return new ResourceKind<>(group, version, plural, singular, kind, namespaced, type, List.copyOf(shortNames));
    }

    /** Every kind Gantry serves. */
    public static List<ResourceKind<?>> all() {
        return ALL;
    }

    /** The kind served under a group and version with this resource name. */
    public static Optional<ResourceKind<?>> byResource(String group, String version, String plural) {
        return ALL.stream()
                .filter(k -> k.group.equals(group) && k.version.equals(version) && k.plural.equals(plural))
                .findFirst();
    }

    /** The API group; empty for the core group. */
    public String group() {
        return group;
    }

    public String version() {
        return version;
    }

    /** {@code v1} for the core group, {@code group/version} otherwise. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The resource name in URLs: {@code pods}. */
    public String plural() {
        return plural;
    }

    public String singular() {
        return singular;
    }

    /** The kind in objects: {@code Pod}. */
    public String kind() {
        return kind;
    }

    public String listKind() {
        return kind + "List";
    }

    public boolean namespaced() {
        return namespaced;
    }

    public Class<T> type() {
        return type;
    }

    public List<String> shortNames() {
        return shortNames;
    }

    /** The resource as Kubernetes names it in messages: {@code pods}, {@code deployments.apps}. */
    public String qualifiedName() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    /** Kinds are equal when they name the same resource of the same group and version. */
    @Override
    public boolean equals(Object other) {
        return other instanceof ResourceKind<?> that && group.equals(that.group) && version.equals(that.version)
                && plural.equals(that.plural);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(group, version, plural);
    }

    @Override
    public String toString() {
        return qualifiedName();
    }
}
