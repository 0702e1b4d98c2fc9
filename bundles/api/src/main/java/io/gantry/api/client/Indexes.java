package io.gantry.api.client;

import io.gantry.api.core.v1.Pod;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.meta.v1.OwnerReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The indexes every {@link Informer} keeps, as client-go's indexers: objects by namespace, by
 * label, by owner uid, and pods by node. Components add their own with {@link Informer#addIndex}.
 */
public final class Indexes {

    /** Objects by {@code metadata.namespace}. */
    public static final String NAMESPACE = "namespace";
    /** Objects by each {@code key=value} label they carry; see {@link #label}. */
    public static final String LABEL = "label";
    /** Objects by the uid of each owner reference. */
    public static final String OWNER = "owner";
    /** Pods by {@code spec.nodeName}; unscheduled pods under the empty string. */
    public static final String NODE_NAME = "spec.nodeName";

    private Indexes() {
    }

    /** The value of the {@link #LABEL} index for one label. */
    public static String label(String key, String value) {
        return key + "=" + value;
    }

    /** The indexes an informer of this kind starts with. */
    @SuppressWarnings("unchecked")
    static <T extends KubeObject> Map<String, Function<? super T, ? extends Collection<String>>> defaults(ResourceKind<T> kind) {
        Map<String, Function<? super T, ? extends Collection<String>>> indexes = new LinkedHashMap<>();
        indexes.put(NAMESPACE, Indexes::namespace);
        indexes.put(LABEL, Indexes::labels);
        indexes.put(OWNER, Indexes::owners);
        if (Pod.class.isAssignableFrom(kind.type())) {
            indexes.put(NODE_NAME, object -> nodeName((Pod) object));
        }
        return indexes;
    }

    private static Collection<String> namespace(KubeObject object) {
        String namespace = object.metadata == null ? null : object.metadata.namespace;
        return namespace == null ? List.of() : List.of(namespace);
    }

    private static Collection<String> labels(KubeObject object) {
        if (object.metadata == null || object.metadata.labels == null) {
            return List.of();
        }
        List<String> values = new ArrayList<>(object.metadata.labels.size());
        object.metadata.labels.forEach((key, value) -> values.add(label(key, value)));
        return values;
    }

    private static Collection<String> owners(KubeObject object) {
        if (object.metadata == null || object.metadata.ownerReferences == null) {
            return List.of();
        }
        List<String> uids = new ArrayList<>();
        for (OwnerReference owner : object.metadata.ownerReferences) {
            if (owner.uid != null) {
                uids.add(owner.uid);
            }
        }
        return uids;
    }

    private static Collection<String> nodeName(Pod pod) {
        return List.of(pod.spec == null || pod.spec.nodeName == null ? "" : pod.spec.nodeName);
    }
}
