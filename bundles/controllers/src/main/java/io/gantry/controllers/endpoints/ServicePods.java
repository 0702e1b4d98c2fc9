package io.gantry.controllers.endpoints;

import io.gantry.api.client.Indexes;
import io.gantry.api.client.Informer;
import io.gantry.api.core.v1.ContainerPort;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ObjectReference;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodCondition;
import io.gantry.api.core.v1.Service;
import io.gantry.controllers.WorkQueue;
import io.gantry.api.core.v1.ServicePort;
import io.gantry.api.core.v1.ServiceSpec;
import io.gantry.api.meta.v1.IntOrString;
import io.gantry.api.meta.v1.KubeObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What the endpoints and endpoint slice controllers ask of services and pods, as Kubernetes'
 * {@code pkg/controller/util/endpointslice} and {@code pkg/api/v1/pod} answer it: which pods a
 * service selects, which services select a pod, whether a pod is ready or belongs in endpoints at
 * all, and which port a service port reaches on a given pod.
 */
final class ServicePods {

    private ServicePods() {
    }

    /** {@code namespace/name}: the work queue key of a namespaced object. */
    static String key(KubeObject object) {
        return object.metadata.namespace + "/" + object.metadata.name;
    }

    /**
     * True if the controllers keep endpoints for the service: it has a selector and is not an
     * ExternalName service. A service without a selector gets endpoints made by hand.
     */
    static boolean managed(Service service) {
        return service.spec != null && service.spec.selector != null && !service.spec.selector.isEmpty()
                && !ServiceSpec.EXTERNAL_NAME.equals(service.spec.type);
    }

    /** True if the service's selector picks the pod (same namespace, every selector label). */
    static boolean selects(Service service, Pod pod) {
        if (!managed(service) || !Objects.equals(service.metadata.namespace, pod.metadata.namespace)) {
            return false;
        }
        Map<String, String> labels = pod.metadata.labels == null ? Map.of() : pod.metadata.labels;
        return service.spec.selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** The keys of the services that select the pod, from the services' cache. */
    /**
     * The pod handler of a controller that keeps one object per service: queues the keys of the
     * services that select the pod, and on a label change those that selected it before.
     */
    static Informer.Handler<Pod> queueServicesOf(Informer<Service> services, WorkQueue queue) {
        return new Informer.Handler<>() {
            @Override
            public void onAdd(Pod pod) {
                servicesOf(pod, services).forEach(queue::add);
            }

            @Override
            public void onUpdate(Pod previous, Pod current) {
                Set<String> keys = servicesOf(current, services);
                if (!Objects.equals(previous.metadata.labels, current.metadata.labels)) {
                    keys.addAll(servicesOf(previous, services));
                }
                keys.forEach(queue::add);
            }

            @Override
            public void onDelete(Pod pod) {
                servicesOf(pod, services).forEach(queue::add);
            }
        };
    }

    static Set<String> servicesOf(Pod pod, Informer<Service> services) {
        Set<String> keys = new LinkedHashSet<>();
        if (pod == null || pod.metadata.labels == null || pod.metadata.labels.isEmpty()) {
            return keys;
        }
        for (Service service : services.byIndex(Indexes.NAMESPACE, pod.metadata.namespace)) {
            if (selects(service, pod)) {
                keys.add(key(service));
            }
        }
        return keys;
    }

    /** The pods the service selects, from the pods' cache (looked up by one selector label, then filtered). */
    static List<Pod> podsOf(Service service, Informer<Pod> pods) {
        List<Pod> selected = new ArrayList<>();
        if (!managed(service)) {
            return selected;
        }
        Map.Entry<String, String> first = service.spec.selector.entrySet().iterator().next();
        for (Pod pod : pods.byIndex(Indexes.LABEL, Indexes.label(first.getKey(), first.getValue()))) {
            if (selects(service, pod)) {
                selected.add(pod);
            }
        }
        return selected;
    }

    /** The pod's Ready condition is True (podutil.IsPodReady). */
    static boolean ready(Pod pod) {
        if (pod.status == null || pod.status.conditions == null) {
            return false;
        }
        for (PodCondition condition : pod.status.conditions) {
            if ("Ready".equals(condition.type)) {
                return "True".equals(condition.status);
            }
        }
        return false;
    }

    /** The pod is being deleted. */
    static boolean terminating(Pod pod) {
        return pod.metadata.deletionTimestamp != null;
    }

    /**
     * True if the pod has a place in endpoints (ShouldPodBeInEndpoints): not finished, with an
     * IP, and, unless terminating pods are included, not being deleted.
     */
    static boolean belongsInEndpoints(Pod pod, boolean includeTerminating) {
        if (pod.status == null) {
            return false;
        }
        if ("Succeeded".equals(pod.status.phase) || "Failed".equals(pod.status.phase)) {
            return false;
        }
        if (ip(pod) == null) {
            return false;
        }
        return includeTerminating || !terminating(pod);
    }

    /** The pod's IPv4 address, or null (Gantry's pod and service addresses are IPv4). */
    static String ip(Pod pod) {
        if (pod.status == null) {
            return null;
        }
        if (pod.status.podIP != null && !pod.status.podIP.isEmpty()) {
            return pod.status.podIP;
        }
        if (pod.status.podIPs != null) {
            for (var podIP : pod.status.podIPs) {
                if (podIP.ip != null && !podIP.ip.isEmpty()) {
                    return podIP.ip;
                }
            }
        }
        return null;
    }

    /**
     * The port a service port reaches on this pod (podutil.FindPort): a numeric targetPort as is, a
     * named one from the first container port of that name and the service port's protocol; empty
     * if the pod has no such port, so the pod is left out of that port's endpoints.
     */
    static OptionalInt findPort(Pod pod, ServicePort servicePort) {
        IntOrString target = servicePort.targetPort;
        if (target == null) {
            return servicePort.port == null ? OptionalInt.empty() : OptionalInt.of(servicePort.port);
        }
        if (target.isInt()) {
            return OptionalInt.of(target.intValue());
        }
        String name = target.stringValue();
        String protocol = protocol(servicePort.protocol);
        for (Container container : pod.spec.containers == null ? List.<Container>of() : pod.spec.containers) {
            for (ContainerPort port : container.ports == null ? List.<ContainerPort>of() : container.ports) {
                if (name.equals(port.name) && protocol.equals(protocol(port.protocol)) && port.containerPort != null) {
                    return OptionalInt.of(port.containerPort);
                }
            }
        }
        return OptionalInt.empty();
    }

    /** TCP when unset, as the API server defaults it. */
    static String protocol(String protocol) {
        return protocol == null || protocol.isEmpty() ? "TCP" : protocol;
    }

    /** The pod's hostname when the service is its subdomain (ShouldSetHostname), else null. */
    static String hostname(Pod pod, Service service) {
        String hostname = pod.spec.hostname;
        if (hostname != null && !hostname.isEmpty() && service.metadata.name.equals(pod.spec.subdomain)
                && Objects.equals(service.metadata.namespace, pod.metadata.namespace)) {
            return hostname;
        }
        return null;
    }

    /** A reference to the pod as endpoints carry it: kind, namespace, name and uid. */
    static ObjectReference targetRef(Pod pod) {
        ObjectReference reference = new ObjectReference();
        reference.kind = "Pod";
        reference.namespace = pod.metadata.namespace;
        reference.name = pod.metadata.name;
        reference.uid = pod.metadata.uid;
        return reference;
    }

    /** The service has a cluster IP (not headless). */
    static boolean hasClusterIP(Service service) {
        String ip = service.spec.clusterIP;
        return ip != null && !ip.isEmpty() && !"None".equals(ip);
    }
}
