package io.gantry.apiserver.registry;

import io.gantry.apiserver.kinds.configmap.ConfigMapStrategy;
import io.gantry.apiserver.kinds.deployment.DeploymentStrategy;
import io.gantry.apiserver.kinds.endpoints.EndpointsStrategy;
import io.gantry.apiserver.kinds.endpointslice.EndpointSliceStrategy;
import io.gantry.apiserver.kinds.event.EventStrategy;
import io.gantry.apiserver.kinds.event.EventsV1Strategy;
import io.gantry.apiserver.kinds.lease.LeaseStrategy;
import io.gantry.apiserver.kinds.namespace.NamespaceStrategy;
import io.gantry.apiserver.kinds.node.NodeStrategy;
import io.gantry.apiserver.kinds.pod.PodStrategy;
import io.gantry.apiserver.kinds.podtemplate.PodTemplateStrategy;
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

    /**
     * Every built-in kind. The order is discovery's, and name resolution's: the core group first,
     * as kube-apiserver lists it, so that {@code kubectl get events} finds v1 events.
     */
    public static Kinds create() {
        return new Kinds(List.of(
                new PodStrategy(),
                new ServiceStrategy(),
                new EndpointsStrategy(),
                new NodeStrategy(),
                new NamespaceStrategy(),
                new SecretStrategy(),
                new ConfigMapStrategy(),
                new ServiceAccountStrategy(),
                new ReplicationControllerStrategy(),
                new EventStrategy(),
                new PodTemplateStrategy(),
                new DeploymentStrategy(),
                new ReplicaSetStrategy(),
                new EventsV1Strategy(),
                new LeaseStrategy(),
                new EndpointSliceStrategy()));
    }
}
