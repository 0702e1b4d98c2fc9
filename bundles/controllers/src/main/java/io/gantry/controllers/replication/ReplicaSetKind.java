package io.gantry.controllers.replication;

import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.apps.v1.ReplicaSetStatus;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.json.Json;

/** apps/v1 ReplicaSets, as they are. */
final class ReplicaSetKind implements ReplicatedKind<ReplicaSet> {

    @Override
    public ResourceKind<ReplicaSet> kind() {
        return ResourceKind.REPLICA_SETS;
    }

    @Override
    public String component() {
        return "replicaset-controller";
    }

    @Override
    public ReplicaSet view(ReplicaSet object) {
        return object;
    }

    @Override
    public ReplicaSet withStatus(ReplicaSet object, ReplicaSetStatus status) {
        ReplicaSet copy = Json.copy(object);
        copy.status = status;
        return copy;
    }
}
