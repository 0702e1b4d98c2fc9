package io.gantry.controllers;

import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.meta.v1.OwnerReference;
import java.util.List;
import java.util.Optional;

/**
 * Reading and making {@code metadata.ownerReferences}, as apimachinery's {@code metav1} helpers:
 * the controller of an object, and the reference a controller puts on what it makes or adopts.
 */
public final class OwnerReferences {

    private OwnerReferences() {
    }

    /** The reference marked {@code controller: true}, if any (there is at most one). */
    public static Optional<OwnerReference> controllerOf(KubeObject object) {
        return references(object).stream().filter(r -> Boolean.TRUE.equals(r.controller)).findFirst();
    }

    /** True if the object's controller is the object of this uid. */
    public static boolean isControlledBy(KubeObject object, String ownerUid) {
        return controllerOf(object).map(r -> ownerUid != null && ownerUid.equals(r.uid)).orElse(false);
    }

    /** The object's owner references; empty if none. */
    public static List<OwnerReference> references(KubeObject object) {
        return object.metadata == null || object.metadata.ownerReferences == null ? List.of()
                : object.metadata.ownerReferences;
    }

    /**
     * The reference a controller puts on its objects, as {@code metav1.NewControllerRef}:
     * {@code controller} and {@code blockOwnerDeletion} true, so that a foreground deletion of the
     * owner waits for them.
     */
    public static OwnerReference controllerRef(KubeObject owner) {
        OwnerReference reference = new OwnerReference();
        reference.apiVersion = owner.apiVersion;
        reference.kind = owner.kind;
        reference.name = owner.metadata.name;
        reference.uid = owner.metadata.uid;
        reference.controller = true;
        reference.blockOwnerDeletion = true;
        return reference;
    }

    /** Removes every reference to the owner of this uid; true if there was one. */
    public static boolean remove(KubeObject object, String ownerUid) {
        if (object.metadata == null || object.metadata.ownerReferences == null) {
            return false;
        }
        boolean removed = object.metadata.ownerReferences.removeIf(r -> ownerUid.equals(r.uid));
        if (removed && object.metadata.ownerReferences.isEmpty()) {
            object.metadata.ownerReferences = null;
        }
        return removed;
    }
}
