package io.gantry.controllers.endpoints;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.Indexes;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Service;
import io.gantry.api.discovery.v1.EndpointSlice;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.OwnerReference;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerContext;
import io.gantry.controllers.WorkQueue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kubernetes' endpoint slice controller ({@code pkg/controller/endpointslice}), kept simple: for
 * every Service with a selector, the {@code discovery.k8s.io/v1} EndpointSlices of
 * {@link EndpointSlices}, named {@code <service>-<random>}, labelled with the service's name and
 * this controller as manager, owned by the Service. A slice whose content changes is rewritten in
 * place; extra slices are deleted, missing ones created.
 *
 * <p>Slices this controller wrote but its cache does not show yet are waited for (as Kubernetes'
 * slice tracker does), so that a lagging cache never makes it create a slice twice.
 */
public final class EndpointSliceController implements Controller {

    /** The component name events carry. */
    public static final String NAME = "endpoint-slice-controller";
    /** The label naming the controller that manages a slice. */
    static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
    /** This controller's value of the managed-by label, as Kubernetes'. */
    static final String MANAGED_BY = "endpointslice-controller.k8s.io";
    /** How long a write this controller made may take to show in the cache before it stops waiting. */
    private static final long EXPECTATION_MILLIS = 5_000;
    private static final long RECHECK_MILLIS = 20;

    private final ControllerContext context;
    private final ApiClient api;
    private final int workers;
    private final List<Informer.Registration> registrations = new ArrayList<>();
    /** Per service key, the slices written (name → resourceVersion, null once deleted) not yet seen in the cache. */
    private final Map<String, Map<String, Expected>> expectations = new ConcurrentHashMap<>();
    private Informer<Service> services;
    private Informer<Pod> pods;
    private Informer<EndpointSlice> slices;
    private WorkQueue queue;

    private record Expected(String resourceVersion, long deadline) {
    }

    public EndpointSliceController(ControllerContext context) {
        this.context = context;
        this.api = context.api();
        this.workers = Math.max(1, context.config().workers());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start() {
        services = context.informers().informer(ResourceKind.SERVICES);
        pods = context.informers().informer(ResourceKind.PODS);
        slices = context.informers().informer(ResourceKind.ENDPOINT_SLICES);
        queue = new WorkQueue("endpointslice", workers, this::reconcile);
        registrations.add(services.addHandler(new Informer.Handler<>() {
            @Override
            public void onAdd(Service service) {
                queue.add(ServicePods.key(service));
            }

            @Override
            public void onUpdate(Service previous, Service current) {
                queue.add(ServicePods.key(current));
            }

            @Override
            public void onDelete(Service service) {
                queue.add(ServicePods.key(service));
            }
        }));
        registrations.add(pods.addHandler(new Informer.Handler<>() {
            @Override
            public void onAdd(Pod pod) {
                ServicePods.servicesOf(pod, services).forEach(queue::add);
            }

            @Override
            public void onUpdate(Pod previous, Pod current) {
                Set<String> keys = ServicePods.servicesOf(current, services);
                if (!Objects.equals(previous.metadata.labels, current.metadata.labels)) {
                    keys.addAll(ServicePods.servicesOf(previous, services));
                }
                keys.forEach(queue::add);
            }

            @Override
            public void onDelete(Pod pod) {
                ServicePods.servicesOf(pod, services).forEach(queue::add);
            }
        }));
        registrations.add(slices.addHandler(new Informer.Handler<>() {
            @Override
            public void onAdd(EndpointSlice slice) {
                queueOwner(slice);
            }

            @Override
            public void onUpdate(EndpointSlice previous, EndpointSlice current) {
                queueOwner(current);
            }

            @Override
            public void onDelete(EndpointSlice slice) {
                queueOwner(slice);
            }
        }));
    }

    @Override
    public void close() {
        registrations.forEach(Informer.Registration::close);
        registrations.clear();
        if (queue != null) {
            queue.close();
        }
    }

    private void queueOwner(EndpointSlice slice) {
        Map<String, String> labels = slice.metadata.labels;
        if (labels != null && MANAGED_BY.equals(labels.get(MANAGED_BY_LABEL))
                && labels.get(EndpointSlice.SERVICE_NAME_LABEL) != null) {
            queue.add(slice.metadata.namespace + "/" + labels.get(EndpointSlice.SERVICE_NAME_LABEL));
        }
    }

    /** Makes the slices of the service under the key match the pods it selects. */
    void reconcile(String key) {
        if (!services.hasSynced() || !pods.hasSynced() || !slices.hasSynced()) {
            queue.addAfter(key, EndpointsController.SYNC_WAIT_MILLIS);
            return;
        }
        String namespace = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        List<EndpointSlice> existing = managedSlices(namespace, name);
        if (!caughtUp(key, existing)) {
            queue.addAfter(key, RECHECK_MILLIS);
            return;
        }
        Optional<Service> service = services.get(namespace, name);
        if (service.isEmpty() || !ServicePods.managed(service.get())) {
            // the garbage collector would delete them through their owner reference; do not wait for it
            existing.forEach(slice -> delete(key, slice));
            return;
        }
        List<EndpointSlices.Content> desired = EndpointSlices.of(service.get(), ServicePods.podsOf(service.get(), pods));
        Map<String, String> labels = labels(service.get());
        List<EndpointSlice> unused = new ArrayList<>(existing);
        unused.sort(Comparator.comparing(s -> s.metadata.name));
        List<EndpointSlices.Content> missing = new ArrayList<>();
        // first keep every slice that is right as it is
        for (EndpointSlices.Content content : desired) {
            Optional<EndpointSlice> same = unused.stream().filter(s -> upToDate(s, content, labels, service.get())).findFirst();
            if (same.isPresent()) {
                unused.remove(same.get());
            } else {
                missing.add(content);
            }
        }
        // then rewrite the others in place, create what is still missing and delete what is left
        Iterator<EndpointSlice> reusable = unused.iterator();
        for (EndpointSlices.Content content : missing) {
            if (reusable.hasNext()) {
                EndpointSlice slice = Json.copy(reusable.next());
                reusable.remove();
                fill(slice, content, labels, service.get());
                expect(key, api.update(ResourceKind.ENDPOINT_SLICES, slice));
            } else {
                EndpointSlice slice = new EndpointSlice();
                slice.metadata.namespace = namespace;
                slice.metadata.generateName = prefix(name);
                fill(slice, content, labels, service.get());
                expect(key, api.create(ResourceKind.ENDPOINT_SLICES, slice));
            }
        }
        unused.forEach(slice -> delete(key, slice));
    }

    private List<EndpointSlice> managedSlices(String namespace, String service) {
        List<EndpointSlice> found = new ArrayList<>();
        for (EndpointSlice slice : slices.byIndex(Indexes.LABEL, Indexes.label(EndpointSlice.SERVICE_NAME_LABEL, service))) {
            if (namespace.equals(slice.metadata.namespace) && MANAGED_BY.equals(slice.metadata.labels.get(MANAGED_BY_LABEL))) {
                found.add(slice);
            }
        }
        return found;
    }

    /** True once the cache shows every write made for this service (or the wait for one expired). */
    private boolean caughtUp(String key, List<EndpointSlice> cached) {
        Map<String, Expected> expected = expectations.get(key);
        if (expected == null) {
            return true;
        }
        Map<String, String> versions = new LinkedHashMap<>();
        cached.forEach(slice -> versions.put(slice.metadata.name, slice.metadata.resourceVersion));
        long now = System.currentTimeMillis();
        expected.entrySet().removeIf(entry -> now > entry.getValue().deadline()
                || seen(versions.get(entry.getKey()), entry.getValue().resourceVersion()));
        if (expected.isEmpty()) {
            expectations.remove(key, expected);
            return true;
        }
        return false;
    }

    private static boolean seen(String cachedVersion, String writtenVersion) {
        if (writtenVersion == null) {
            return cachedVersion == null; // deleted
        }
        if (cachedVersion == null) {
            return false;
        }
        try {
            return Long.parseLong(cachedVersion) >= Long.parseLong(writtenVersion);
        } catch (NumberFormatException e) {
            return cachedVersion.equals(writtenVersion);
        }
    }

    private void expect(String key, EndpointSlice written) {
        expectations.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(written.metadata.name,
                new Expected(written.metadata.resourceVersion, System.currentTimeMillis() + EXPECTATION_MILLIS));
    }

    private void delete(String key, EndpointSlice slice) {
        try {
            api.delete(ResourceKind.ENDPOINT_SLICES, slice.metadata.namespace, slice.metadata.name, new DeleteOptions());
        } catch (ApiException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
        expectations.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(slice.metadata.name,
                new Expected(null, System.currentTimeMillis() + EXPECTATION_MILLIS));
    }

    private static boolean upToDate(EndpointSlice slice, EndpointSlices.Content content, Map<String, String> labels,
            Service service) {
        return "IPv4".equals(slice.addressType) && labels.equals(slice.metadata.labels)
                && ownedBy(slice, service) && content.matches(slice.ports, slice.endpoints);
    }

    private static boolean ownedBy(EndpointSlice slice, Service service) {
        return slice.metadata.ownerReferences != null && slice.metadata.ownerReferences.stream()
                .anyMatch(owner -> Objects.equals(owner.uid, service.metadata.uid) && Boolean.TRUE.equals(owner.controller));
    }

    private static void fill(EndpointSlice slice, EndpointSlices.Content content, Map<String, String> labels, Service service) {
        slice.addressType = "IPv4";
        slice.metadata.labels = new LinkedHashMap<>(labels);
        slice.metadata.ownerReferences = new ArrayList<>(List.of(owner(service)));
        slice.ports = new ArrayList<>(content.ports());
        slice.endpoints = new ArrayList<>(content.endpoints());
    }

    private static OwnerReference owner(Service service) {
        OwnerReference owner = new OwnerReference();
        owner.apiVersion = "v1";
        owner.kind = "Service";
        owner.name = service.metadata.name;
        owner.uid = service.metadata.uid;
        owner.controller = true;
        owner.blockOwnerDeletion = true;
        return owner;
    }

    /** The service's labels, the service name, this controller as manager, and headless when so. */
    private static Map<String, String> labels(Service service) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (service.metadata.labels != null) {
            labels.putAll(service.metadata.labels);
        }
        labels.remove(EndpointsController.HEADLESS_LABEL);
        labels.put(EndpointSlice.SERVICE_NAME_LABEL, service.metadata.name);
        labels.put(MANAGED_BY_LABEL, MANAGED_BY);
        if (!ServicePods.hasClusterIP(service)) {
            labels.put(EndpointsController.HEADLESS_LABEL, "");
        }
        return labels;
    }

    /** {@code <service>-}, shortened so that the generated name stays a valid name (as Kubernetes). */
    private static String prefix(String service) {
        String prefix = service + "-";
        return prefix.length() > 58 ? prefix.substring(0, 58) : prefix;
    }
}
