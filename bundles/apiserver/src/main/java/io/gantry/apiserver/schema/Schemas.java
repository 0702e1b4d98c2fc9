package io.gantry.apiserver.schema;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Coordination;
import io.kubernetes.client.proto.V1Discovery;
import io.kubernetes.client.proto.V1Events;
import io.kubernetes.client.proto.V1Policy;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Kubernetes schema of every kind the API serves, as the protobuf message descriptors of
 * the Kubernetes project's generated classes ({@code io.kubernetes:client-java-proto}).
 *
 * <p>A kind is a top-level message of a served group-version's file with a {@code metadata}
 * field (ObjectMeta for objects, ListMeta for lists), except the templates embedded in kinds. Its message carries no TypeMeta: the JSON
 * form's {@code apiVersion} and {@code kind} sit beside the message's fields. DeleteOptions and
 * Status belong to every group-version, as in Kubernetes.
 */
public final class Schemas {

    private static final String OBJECT_META = "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    private static final String LIST_META = "k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta";
    /** Messages with ObjectMeta that are parts of kinds, not kinds. */
    private static final Set<String> NOT_KINDS = Set.of("PodTemplateSpec", "PersistentVolumeClaimTemplate");
    /** Kinds of meta.k8s.io that every group-version accepts. */
    private static final Set<String> SHARED_KINDS = Set.of("DeleteOptions", "Status");

    private final Map<String, Map<String, Descriptor>> kindsByApiVersion = new LinkedHashMap<>();
    private final Map<String, Descriptor> messagesByName = new LinkedHashMap<>();
    private final Map<String, GroupVersionKind> kindOfMessage = new LinkedHashMap<>();

    /** A kind's identity, as in {@code x-kubernetes-group-version-kind}; group "" is the core group. */
    public record GroupVersionKind(String group, String version, String kind) {

        public String apiVersion() {
            return group.isEmpty() ? version : group + "/" + version;
        }
    }

    /** The served group-versions: v1, apps/v1, events.k8s.io/v1, coordination.k8s.io/v1, ... */
    public Schemas() {
        Map<String, FileDescriptor> served = new LinkedHashMap<>();
        served.put("v1", V1.getDescriptor());
        served.put("apps/v1", V1Apps.getDescriptor());
        served.put("events.k8s.io/v1", V1Events.getDescriptor());
        served.put("coordination.k8s.io/v1", V1Coordination.getDescriptor());
        served.put("discovery.k8s.io/v1", V1Discovery.getDescriptor());
        served.put("autoscaling/v1", V1Autoscaling.getDescriptor());
        served.put("policy/v1", V1Policy.getDescriptor());
        Descriptor meta = null;
        for (Map.Entry<String, FileDescriptor> entry : served.entrySet()) {
            Map<String, Descriptor> kinds = new LinkedHashMap<>();
            for (Descriptor message : entry.getValue().getMessageTypes()) {
                if (isKind(message)) {
                    kinds.put(message.getName(), message);
                    kindOfMessage.putIfAbsent(message.getFullName(), gvk(entry.getKey(), message.getName()));
                }
            }
            for (String shared : SHARED_KINDS) {
                kinds.put(shared, Meta.getDescriptor().findMessageTypeByName(shared));
            }
            kindsByApiVersion.put(entry.getKey(), Collections.unmodifiableMap(kinds));
            index(entry.getValue());
        }
        Map<String, Descriptor> metaKinds = new LinkedHashMap<>();
        for (String shared : SHARED_KINDS) {
            Descriptor message = Meta.getDescriptor().findMessageTypeByName(shared);
            metaKinds.put(shared, message);
            kindOfMessage.put(message.getFullName(), gvk("meta.k8s.io/v1", shared));
        }
        kindsByApiVersion.put("meta.k8s.io/v1", Collections.unmodifiableMap(metaKinds));
    }

    /** The message of a kind in a served group-version, such as ("apps/v1", "Deployment"). */
    public Optional<Descriptor> kind(String apiVersion, String kind) {
        Map<String, Descriptor> kinds = kindsByApiVersion.get(apiVersion);
        return kinds == null ? Optional.empty() : Optional.ofNullable(kinds.get(kind));
    }

    /** The kinds of a served group-version by name; empty if it is not served. */
    public Map<String, Descriptor> kinds(String apiVersion) {
        return kindsByApiVersion.getOrDefault(apiVersion, Map.of());
    }

    /** Any message of the served files and their imports, by full name ({@code k8s.io.api.core.v1.PodSpec}). */
    public Optional<Descriptor> message(String fullName) {
        return Optional.ofNullable(messagesByName.get(fullName));
    }

    /** The group, version and kind a top-level message stands for, if it is a kind. */
    public Optional<GroupVersionKind> kindOf(Descriptor message) {
        return Optional.ofNullable(kindOfMessage.get(message.getFullName()));
    }

    /**
     * The OpenAPI definition name of a message, as Kubernetes names it:
     * {@code k8s.io.api.core.v1.Pod} is {@code io.k8s.api.core.v1.Pod}.
     */
    public static String definitionName(Descriptor message) {
        String name = message.getFullName();
        return name.startsWith("k8s.io.") ? "io.k8s." + name.substring("k8s.io.".length()) : name;
    }

    private static boolean isKind(Descriptor message) {
        if (NOT_KINDS.contains(message.getName())) {
            return false;
        }
        FieldDescriptor metadata = message.findFieldByName("metadata");
        if (metadata == null || metadata.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
            return false;
        }
        String type = metadata.getMessageType().getFullName();
        return type.equals(OBJECT_META) || type.equals(LIST_META);
    }

    private static GroupVersionKind gvk(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? new GroupVersionKind("", apiVersion, kind)
                : new GroupVersionKind(apiVersion.substring(0, slash), apiVersion.substring(slash + 1), kind);
    }

    private void index(FileDescriptor root) {
        Deque<FileDescriptor> files = new ArrayDeque<>();
        files.add(root);
        while (!files.isEmpty()) {
            FileDescriptor file = files.poll();
            for (Descriptor message : file.getMessageTypes()) {
                indexMessage(message);
            }
            files.addAll(file.getDependencies());
        }
    }

    private void indexMessage(Descriptor message) {
        if (messagesByName.putIfAbsent(message.getFullName(), message) == null) {
            for (Descriptor nested : message.getNestedTypes()) {
                indexMessage(nested);
            }
        }
    }
}
