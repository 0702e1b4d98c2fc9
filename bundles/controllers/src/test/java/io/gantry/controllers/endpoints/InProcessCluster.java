package io.gantry.controllers.endpoints;

import io.gantry.controllers.TestControlPlane;
import io.gantry.api.client.Informers;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.cluster.SoleLeader;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ContainerPort;
import io.gantry.api.core.v1.Event;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodCondition;
import io.gantry.api.meta.v1.Times;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.apiserver.Registry;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real in-process API server (over the in-memory storage backend), the JVM's shared
 * informers and a controller manager that leads at once and runs the given controllers; for the
 * controllers' tests.
 */
public final class InProcessCluster implements AutoCloseable {

    public final Registry api = new Registry("memory");
    public final Informers informers;
    public final ControllerManager manager;
    public final SoleLeader election = new SoleLeader();

    public InProcessCluster(int defaultTolerationSeconds, Controller.Factory... controllers) {
        api.addBackend("memory", new InMemoryStorageBackend());
        api.ensureSystemNamespaces();
        informers = new Informers(api);
        manager = new ControllerManager(api, informers, election, config(defaultTolerationSeconds), List.of(controllers));
    }

    @Override
    public void close() {
        manager.close();
        informers.close();
        api.watches().close();
    }

    /** A pod of one container with the given ports ({@code name:number}), not yet scheduled. */
    public static Pod pod(String name, Map<String, String> labels, String... ports) {
        Pod pod = new Pod();
        pod.metadata.name = name;
        pod.metadata.namespace = "default";
        pod.metadata.labels = labels;
        Container container = new Container();
        container.name = "main";
        container.image = "busybox";
        container.ports = new ArrayList<>();
        for (String port : ports) {
            String[] parts = port.split(":");
            ContainerPort containerPort = new ContainerPort(Integer.parseInt(parts[1]));
            containerPort.name = parts[0];
            container.ports.add(containerPort);
        }
        pod.spec.containers = List.of(container);
        return pod;
    }

    /** Writes a running pod's status as its kubelet would: the IP and whether it is ready. */
    public Pod running(String name, String ip, boolean ready) {
        return running(name, ip, ready, Times.now());
    }

    /** As {@link #running(String, String, boolean)}, with the Ready condition's transition time. */
    public Pod running(String name, String ip, boolean ready, String transitionTime) {
        Pod pod = api.get(ResourceKind.PODS, "default", name);
        pod.status().phase = "Running";
        pod.status().podIP = ip;
        pod.status().podIPs = List.of(new io.gantry.api.core.v1.PodStatus.PodIP(ip));
        pod.status().conditions = List.of(new PodCondition("Ready", ready ? "True" : "False", transitionTime));
        return api.updateStatus(ResourceKind.PODS, pod);
    }

    /** The events about an object, as {@code kubectl get events} lists them. */
    public List<Event> events(String namespace, String kind, String name) {
        return api.list(ResourceKind.EVENTS, namespace, ListOptions.ALL).items.stream()
                .filter(e -> kind.equals(e.involvedObject.kind) && name.equals(e.involvedObject.name)).toList();
    }

    static ControllerManager.Config config(int defaultTolerationSeconds) {
        return TestControlPlane.config(defaultTolerationSeconds);
    }
}
