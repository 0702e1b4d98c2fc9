package io.gantry.controllers.replication;

import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.apps.v1.ReplicaSetStatus;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.meta.v1.KubeObject;

/**
 * A kind the replica set controller keeps replicas of, seen as a ReplicaSet, as Kubernetes runs
 * its replica set controller for ReplicationControllers through a conversion: the controller's
 * logic is written once, against {@link ReplicaSet}.
 */
interface ReplicatedKind<T extends KubeObject> {

    ResourceKind<T> kind();

    /** The component events come from: {@code replicaset-controller}, {@code replication-controller}. */
    String component();

    /** The object as a ReplicaSet, to read; shares nothing the caller may change. */
    ReplicaSet view(T object);

    /** A copy of the object carrying this status, for a status update. */
    T withStatus(T object, ReplicaSetStatus status);
}
