package io.gantry.apiserver.registry;

import io.gantry.apiserver.kinds.configmap.ConfigMapStrategy;
import io.gantry.apiserver.kinds.deployment.DeploymentStrategy;
import io.gantry.apiserver.kinds.namespace.NamespaceStrategy;
import io.gantry.apiserver.kinds.node.NodeStrategy;
import io.gantry.apiserver.kinds.pod.PodStrategy;
import io.gantry.apiserver.kinds.replicaset.ReplicaSetStrategy;
import io.gantry.apiserver.kinds.replicationcontroller.ReplicationControllerStrategy;
import io.gantry.apiserver.kinds.secret.SecretStrategy;
import io.gantry.apiserver.kinds.service.ServiceStrategy;
import io.gantry.apiserver.kinds.serviceaccount.ServiceAccountStrategy;
import java.util.List;

/** The kinds Gantry serves: adding a kind is one folder under {@code kinds/} and one line here. */
public final class BuiltInKinds {

    private BuiltInKinds() {
    }

    public static Kinds create() {
        return new Kinds(List.of(
                new PodStrategy(),
                new NamespaceStrategy(),
                new NodeStrategy(),
                new ServiceStrategy(),
                new ConfigMapStrategy(),
                new SecretStrategy(),
                new ServiceAccountStrategy(),
                new ReplicationControllerStrategy(),
                new DeploymentStrategy(),
                new ReplicaSetStrategy()));
    }
}
