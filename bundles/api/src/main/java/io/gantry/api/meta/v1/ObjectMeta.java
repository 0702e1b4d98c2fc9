package io.gantry.api.meta.v1;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Kubernetes {@code ObjectMeta}: identity, labels and bookkeeping of a stored object. */
public class ObjectMeta extends Extensible {

    public String name;
    public String generateName;
    public String namespace;
    public String uid;
    public String resourceVersion;
    public Long generation;
    public String creationTimestamp;
    public String deletionTimestamp;
    public Long deletionGracePeriodSeconds;
    public Map<String, String> labels;
    public Map<String, String> annotations;
    public List<OwnerReference> ownerReferences;
    public List<String> finalizers;

    /** The labels, created empty if missing, for writing. */
    public Map<String, String> labels() {
        if (labels == null) {
            labels = new LinkedHashMap<>();
        }
        return labels;
    }

    /** The annotations, created empty if missing, for writing. */
    public Map<String, String> annotations() {
        if (annotations == null) {
            annotations = new LinkedHashMap<>();
        }
        return annotations;
    }

    /** The owner references, created empty if missing, for writing. */
    public List<OwnerReference> ownerReferences() {
        if (ownerReferences == null) {
            ownerReferences = new ArrayList<>();
        }
        return ownerReferences;
    }
}
