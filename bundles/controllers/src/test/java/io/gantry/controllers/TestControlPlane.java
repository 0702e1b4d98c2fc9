package io.gantry.controllers;

import io.gantry.api.Configs;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.Informers;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.cluster.SoleLeader;
import io.gantry.api.core.v1.Binding;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Event;
import io.gantry.api.core.v1.ObjectReference;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodCondition;
import io.gantry.api.core.v1.PodSpec;
import io.gantry.api.core.v1.PodTemplateSpec;
import io.gantry.api.meta.v1.Times;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.apiserver.Registry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The real in-process API server with shared informers and a controller manager that leads at
 * once, running the controllers a test names; plus what a kubelet would do to pods (bind, run,
 * make ready, finish a deletion), since no kubelet runs here.
 */
public final class TestControlPlane implements AutoCloseable {

    public final Registry registry = new Registry("memory");
    public final Informers informers;
    public final ControllerManager manager;

    public TestControlPlane(List<Controller.Factory> controllers) {
        this(controllers, api -> api);
    }

    /** With the controllers' API wrapped, to inject faults into what they write. */
    public TestControlPlane(List<Controller.Factory> controllers, Function<ApiClient, ApiClient> wrap) {
        this(controllers, wrap, api -> api);
    }

    /** With the controllers' API and the informers' API wrapped, to inject faults or delays. */
    public TestControlPlane(List<Controller.Factory> controllers, Function<ApiClient, ApiClient> wrap,
                            Function<ApiClient, ApiClient> wrapInformers) {
        registry.addBackend("memory", new InMemoryStorageBackend());
        registry.ensureSystemNamespaces();
        informers = new Informers(wrapInformers.apply(registry));
        manager = new ControllerManager(wrap.apply(registry), informers, new SoleLeader(), config(), controllers);
    }

    @Override
    public void close() {
        manager.close();
        informers.close();
        registry.watches().close();
    }

    /** The pods of a namespace with these labels. */
    public List<Pod> pods(String namespace, String selector) {
        return registry.list(ResourceKind.PODS, namespace, ListOptions.labels(selector)).items;
    }

    /** The pods of a namespace with these labels that are not being deleted. */
    public List<Pod> activePods(String namespace, String selector) {
        return pods(namespace, selector).stream().filter(PodStates::isActive).toList();
    }

    /** What the scheduler does: binds a pod to a node. */
    public void bind(Pod pod, String node) {
        Binding binding = new Binding();
        binding.metadata.name = pod.metadata.name;
        binding.metadata.namespace = pod.metadata.namespace;
        binding.target = new ObjectReference();
        binding.target.kind = "Node";
        binding.target.name = node;
        registry.bind(binding);
    }

    /** What a kubelet reports: the pod's phase and whether it is ready (since now). */
    public Pod report(Pod pod, String phase, boolean ready) {
        return report(pod, phase, ready, Instant.now());
    }

    public Pod report(Pod pod, String phase, boolean ready, Instant readySince) {
        Pod current = registry.get(ResourceKind.PODS, pod.metadata.namespace, pod.metadata.name);
        current.status().phase = phase;
        List<PodCondition> conditions = new ArrayList<>();
        conditions.add(new PodCondition("Ready", ready ? "True" : "False", Times.format(readySince)));
        current.status().conditions = conditions;
        return registry.updateStatus(ResourceKind.PODS, current);
    }

    /** The events about one object. */
    public List<Event> events(String namespace, String involvedName) {
        return registry.list(ResourceKind.EVENTS, namespace, ListOptions.ALL).items.stream()
                .filter(e -> involvedName.equals(e.involvedObject.name)).toList();
    }

    /** A template of one nginx container with these labels. */
    public static PodTemplateSpec template(Map<String, String> labels) {
        PodTemplateSpec template = new PodTemplateSpec();
        template.metadata.labels = labels;
        template.spec = new PodSpec();
        Container container = new Container();
        container.name = "main";
        container.image = "nginx";
        template.spec.containers = List.of(container);
        return template;
    }

    /** A pod of that template, for orphans a test makes itself. */
    public static Pod pod(String namespace, String name, Map<String, String> labels) {
        Pod pod = new Pod();
        pod.metadata.name = name;
        pod.metadata.namespace = namespace;
        pod.metadata.labels = labels;
        pod.spec = template(labels).spec;
        return pod;
    }

    /** The controller manager's configuration for tests: two workers, the default toleration of 2 s. */
    public static ControllerManager.Config config() {
        return config(2);
    }

    /** The same with another default toleration. */
    public static ControllerManager.Config config(int defaultTolerationSeconds) {
        return Configs.of(ControllerManager.Config.class,
                Map.of("workers", 2, "defaultTolerationSeconds", defaultTolerationSeconds));
    }
}
