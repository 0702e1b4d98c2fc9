package io.gantry.controllers.endpoints;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.Indexes;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Service;
import io.gantry.api.discovery.v1.EndpointSlice;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.Times;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerContext;
import io.gantry.controllers.WorkQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kubernetes' endpoint slice controller ({@code pkg/controller/endpointslice}): for every Service
 * with a selector, {@code discovery.k8s.io/v1} EndpointSlices of its endpoints
 * ({@link EndpointSlices}), named {@code <service>-<random>}, labelled with the service's name
 * and this controller as manager, owned by the Service, at most 100 endpoints each. What to write
 * is planned first ({@link SlicePlan}: endpoints stay in their slice, slices are rewritten in
 * place), then written.
 *
 * <p>Slices this controller wrote but its cache does not show yet are waited for (as Kubernetes'
 * slice tracker does), so that a lagging cache never makes it create a slice twice.
 */
public final class EndpointSliceController implements Controller {

    /** The component name events carry. */
    public static final String NAME = "endpoint-slice-controller";
    /** How long a write this controller made may take to show in the cache before it stops waiting. */
    private static final long EXPECTATION_MILLIS = 5_000;
    private static final long RECHECK_MILLIS = 20;

    private final ControllerContext context;
    private final ApiClient api;
    private final int workers;
    private final List<Informer.Registration> registrations = new ArrayList<>();
    /** Per service key, the slices written (name → resourceVersion, null once deleted) not yet seen in the cache. */
    private final Map<String, Map<String, Expected>> expectations = new ConcurrentHashMap<>();
    private final TriggerTimes triggerTimes = new TriggerTimes();
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
        registrations.add(services.addHandler(Informer.Handler.onEvery(service -> queue.add(ServicePods.key(service)))));
        registrations.add(pods.addHandler(ServicePods.queueServicesOf(services, queue)));
        registrations.add(slices.addHandler(Informer.Handler.onEvery(this::queueOwner)));
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
        if (labels != null && SlicePlan.MANAGED_BY.equals(labels.get(SlicePlan.MANAGED_BY_LABEL))
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
        Service service = services.get(namespace, name).filter(ServicePods::managed).orElse(null);
        // a service gone (or without a selector) loses its slices now: the garbage collector would
        // delete them through their owner reference, but need not be running
        List<Pod> selected = service == null ? List.of() : ServicePods.podsOf(service, pods);
        List<EndpointSlices.Content> desired = service == null ? List.of() : EndpointSlices.of(service, selected);
        SlicePlan plan = SlicePlan.of(service, desired, existing);
        Instant triggered = null;
        if (service == null) {
            triggerTimes.forget(key);
        } else {
            triggered = triggerTimes.compute(service, selected);
        }
        for (EndpointSlice slice : plan.updates()) {
            expect(key, api.update(ResourceKind.ENDPOINT_SLICES, annotate(slice, triggered)));
        }
        for (EndpointSlice slice : plan.creates()) {
            expect(key, api.create(ResourceKind.ENDPOINT_SLICES, annotate(slice, triggered)));
        }
        plan.deletes().forEach(slice -> delete(key, slice));
    }

    /** Names the change that caused this write, as on Endpoints ({@link TriggerTimes}). */
    private static EndpointSlice annotate(EndpointSlice slice, Instant triggered) {
        if (triggered != null) {
            slice.metadata.annotations().put(TriggerTimes.ANNOTATION, Times.format(triggered));
        } else if (slice.metadata.annotations != null) {
            slice.metadata.annotations.remove(TriggerTimes.ANNOTATION);
        }
        return slice;
    }

    private List<EndpointSlice> managedSlices(String namespace, String service) {
        List<EndpointSlice> found = new ArrayList<>();
        for (EndpointSlice slice : slices.byIndex(Indexes.LABEL, Indexes.label(EndpointSlice.SERVICE_NAME_LABEL, service))) {
            if (namespace.equals(slice.metadata.namespace) && SlicePlan.MANAGED_BY.equals(slice.metadata.labels.get(SlicePlan.MANAGED_BY_LABEL))) {
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
}
