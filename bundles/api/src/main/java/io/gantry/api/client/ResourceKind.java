package io.gantry.api.client;

import io.gantry.api.apps.v1.Deployment;
import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.coordination.v1.Lease;
import io.gantry.api.core.v1.ConfigMap;
import io.gantry.api.core.v1.Endpoints;
import io.gantry.api.core.v1.Event;
import io.gantry.api.core.v1.Namespace;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.ReplicationController;
import io.gantry.api.core.v1.Secret;
import io.gantry.api.core.v1.Service;
import io.gantry.api.core.v1.ServiceAccount;
import io.gantry.api.discovery.v1.EndpointSlice;
import io.gantry.api.meta.v1.KubeObject;
import java.util.List;
import java.util.Optional;

/**
 * One kind of stored object as the API serves it: group, version, resource name (plural),
 * kind, whether it lives in a namespace, and its Java type. Identity only: what the API server
 * does with a kind (defaults, validation, subresources, columns) lives in its registry.
 */
public final class ResourceKind<T extends KubeObject> {

    public static final ResourceKind<Pod> PODS =
            new ResourceKind<>("", "v1", "pods", "pod", "Pod", true, Pod.class, List.of("po"));
    public static final ResourceKind<Node> NODES =
            new ResourceKind<>("", "v1", "nodes", "node", "Node", false, Node.class, List.of("no"));
    public static final ResourceKind<Namespace> NAMESPACES =
            new ResourceKind<>("", "v1", "namespaces", "namespace", "Namespace", false, Namespace.class, List.of("ns"));
    public static final ResourceKind<Service> SERVICES =
            new ResourceKind<>("", "v1", "services", "service", "Service", true, Service.class, List.of("svc"));
    public static final ResourceKind<Endpoints> ENDPOINTS =
            new ResourceKind<>("", "v1", "endpoints", "endpoints", "Endpoints", true, Endpoints.class, List.of("ep"));
    public static final ResourceKind<Secret> SECRETS =
            new ResourceKind<>("", "v1", "secrets", "secret", "Secret", true, Secret.class, List.of());
    public static final ResourceKind<ConfigMap> CONFIG_MAPS =
            new ResourceKind<>("", "v1", "configmaps", "configmap", "ConfigMap", true, ConfigMap.class, List.of("cm"));
    public static final ResourceKind<ServiceAccount> SERVICE_ACCOUNTS =
            new ResourceKind<>("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true,
                    ServiceAccount.class, List.of("sa"));
    public static final ResourceKind<ReplicationController> REPLICATION_CONTROLLERS =
            new ResourceKind<>("", "v1", "replicationcontrollers", "replicationcontroller", "ReplicationController", true,
                    ReplicationController.class, List.of("rc"));
    /** Core v1 events; the API server serves the same stored events as {@link #EVENTS_EVENTS_K8S_IO} too, as Kubernetes does. */
    public static final ResourceKind<Event> EVENTS =
            new ResourceKind<>("", "v1", "events", "event", "Event", true, Event.class, List.of("ev"));
    public static final ResourceKind<Deployment> DEPLOYMENTS =
            new ResourceKind<>("apps", "v1", "deployments", "deployment", "Deployment", true, Deployment.class,
                    List.of("deploy"));
    public static final ResourceKind<ReplicaSet> REPLICA_SETS =
            new ResourceKind<>("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, ReplicaSet.class,
                    List.of("rs"));
    /** events.k8s.io/v1 events ({@code events.events.k8s.io}). */
    public static final ResourceKind<io.gantry.api.events.v1.Event> EVENTS_EVENTS_K8S_IO =
            new ResourceKind<>("events.k8s.io", "v1", "events", "event", "Event", true,
                    io.gantry.api.events.v1.Event.class, List.of("ev"));
    public static final ResourceKind<Lease> LEASES =
            new ResourceKind<>("coordination.k8s.io", "v1", "leases", "lease", "Lease", true, Lease.class, List.of());
    public static final ResourceKind<EndpointSlice> ENDPOINT_SLICES =
            new ResourceKind<>("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true,
                    EndpointSlice.class, List.of());

    private static final List<ResourceKind<?>> ALL = List.of(PODS, NODES, NAMESPACES, SERVICES, ENDPOINTS, SECRETS,
            CONFIG_MAPS, SERVICE_ACCOUNTS, REPLICATION_CONTROLLERS, EVENTS, DEPLOYMENTS, REPLICA_SETS,
            EVENTS_EVENTS_K8S_IO, LEASES, ENDPOINT_SLICES);

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
