package io.gantry.controllers.deployment;

import io.gantry.api.apps.v1.ReplicaSet;

/** One decision of the deployment controller: set this ReplicaSet's {@code spec.replicas} to this. */
record ScaleStep(ReplicaSet replicaSet, int replicas) {

    String name() {
        return replicaSet.metadata.name;
    }
}
