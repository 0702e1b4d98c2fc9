package io.gantry.controllers.replication;

import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.apps.v1.ReplicaSetCondition;
import io.gantry.api.apps.v1.ReplicaSetStatus;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.ReplicationController;
import io.gantry.api.core.v1.ReplicationControllerCondition;
import io.gantry.api.core.v1.ReplicationControllerStatus;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.LabelSelector;
import java.util.ArrayList;
import java.util.Map;

/**
 * v1 ReplicationControllers, seen as ReplicaSets whose selector is {@code matchLabels} only: the
 * same fields otherwise, as Kubernetes' {@code replication} package converts them.
 */
final class ReplicationControllerKind implements ReplicatedKind<ReplicationController> {

    @Override
    public ResourceKind<ReplicationController> kind() {
        return ResourceKind.REPLICATION_CONTROLLERS;
    }

    @Override
    public String component() {
        return "replication-controller";
    }

    @Override
    public ReplicaSet view(ReplicationController controller) {
        ReplicaSet set = new ReplicaSet();
        set.apiVersion = controller.apiVersion;
        set.kind = controller.kind;
        set.metadata = controller.metadata;
        set.spec.replicas = controller.spec.replicas;
        set.spec.minReadySeconds = controller.spec.minReadySeconds;
        Map<String, String> selector = controller.spec.selector;
        if ((selector == null || selector.isEmpty()) && controller.spec.template != null) {
            selector = controller.spec.template.metadata.labels; // as the API server defaults it
        }
        set.spec.selector = selector == null || selector.isEmpty() ? null : LabelSelector.of(selector);
        set.spec.template = controller.spec.template;
        if (controller.status != null) {
            ReplicaSetStatus status = set.status();
            status.replicas = controller.status.replicas;
            status.fullyLabeledReplicas = controller.status.fullyLabeledReplicas;
            status.readyReplicas = controller.status.readyReplicas;
            status.availableReplicas = controller.status.availableReplicas;
            status.observedGeneration = controller.status.observedGeneration;
            if (controller.status.conditions != null) {
                status.conditions = new ArrayList<>();
                for (ReplicationControllerCondition c : controller.status.conditions) {
                    ReplicaSetCondition condition = new ReplicaSetCondition();
                    condition.type = c.type;
                    condition.status = c.status;
                    condition.lastTransitionTime = c.lastTransitionTime;
                    condition.reason = c.reason;
                    condition.message = c.message;
                    status.conditions.add(condition);
                }
            }
        }
        return set;
    }

    @Override
    public ReplicationController withStatus(ReplicationController controller, ReplicaSetStatus status) {
        ReplicationController copy = Json.copy(controller);
        ReplicationControllerStatus converted = new ReplicationControllerStatus();
        converted.replicas = status.replicas;
        converted.fullyLabeledReplicas = status.fullyLabeledReplicas;
        converted.readyReplicas = status.readyReplicas;
        converted.availableReplicas = status.availableReplicas;
        converted.observedGeneration = status.observedGeneration;
        if (status.conditions != null) {
            converted.conditions = new ArrayList<>();
            for (ReplicaSetCondition c : status.conditions) {
                ReplicationControllerCondition condition = new ReplicationControllerCondition();
                condition.type = c.type;
                condition.status = c.status;
                condition.lastTransitionTime = c.lastTransitionTime;
                condition.reason = c.reason;
                condition.message = c.message;
                converted.conditions.add(condition);
            }
        }
        copy.status = converted;
        return copy;
    }
}
