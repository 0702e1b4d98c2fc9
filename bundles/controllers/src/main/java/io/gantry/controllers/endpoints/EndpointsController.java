package io.gantry.controllers.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.EventRecorder;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.EndpointSubset;
import io.gantry.api.core.v1.Endpoints;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Service;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.Times;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerContext;
import io.gantry.controllers.WorkQueue;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' endpoints controller ({@code pkg/controller/endpoint}): keeps, for every Service
 * with a selector, an Endpoints object of the same name listing the selected pods' addresses and
 * ports (see {@link EndpointSubsets}), and deletes it with the Service. Endpoints of a service
 * without a selector are made by hand and left alone.
 *
 * <p>A pod's change queues the services that select it (before and after the change) at once,
 * so a readiness change reaches the Endpoints in one reconciliation.
 */
public final class EndpointsController implements Controller {

    /** The component name events carry. */
    public static final String NAME = "endpoint-controller";
    /** Marks the Endpoints of a headless service, as Kubernetes does. */
    static final String HEADLESS_LABEL = "service.kubernetes.io/headless";
    /** Endpoints of leader election records are not a service's (Kubernetes skips them too). */
    private static final String LEADER_ANNOTATION = "control-plane.alpha.kubernetes.io/leader";

    /** How long a key waits for the caches' first list. */
    static final long SYNC_WAIT_MILLIS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(EndpointsController.class);

    private final ApiClient api;
    private final ControllerContext context;
    private final int workers;
    private EventRecorder events;
    private Informer<Service> services;
    private Informer<Pod> pods;
    private Informer<Endpoints> endpoints;
    private WorkQueue queue;
    private final List<Informer.Registration> registrations = new ArrayList<>();
    private final TriggerTimes triggerTimes = new TriggerTimes();
    /**
     * The Endpoints this controller last wrote, by key: in a burst of changes the cache may not
     * show the last write yet, and an update from the cached copy would only meet a conflict and
     * a back-off (Kubernetes' endpoints controller waits for its cache instead).
     */
    private final Map<String, Endpoints> written = new ConcurrentHashMap<>();

    public EndpointsController(ControllerContext context) {
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
        events = context.events(NAME);
        services = context.informers().informer(ResourceKind.SERVICES);
        pods = context.informers().informer(ResourceKind.PODS);
        endpoints = context.informers().informer(ResourceKind.ENDPOINTS);
        queue = new WorkQueue("endpoints", workers, this::reconcile);
        registrations.add(services.addHandler(Informer.Handler.onEvery(service -> queue.add(ServicePods.key(service)))));
        registrations.add(pods.addHandler(ServicePods.queueServicesOf(services, queue)));
        // Endpoints deleted by someone else are made again; Endpoints that were there before this
        // term began are checked once (Kubernetes' checkLeftoverEndpoints), so those left without
        // a service while no controller ran are deleted. Endpoints created later without a service
        // (a manifest that lists them first) are not touched.
        Instant began = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        registrations.add(endpoints.addHandler(new Informer.Handler<>() {
            @Override
            public void onAdd(Endpoints object) {
                if (createdBefore(object, began) && (object.metadata.annotations == null
                        || !object.metadata.annotations.containsKey(LEADER_ANNOTATION))) {
                    queue.add(ServicePods.key(object));
                }
            }

            @Override
            public void onDelete(Endpoints object) {
                queue.add(ServicePods.key(object));
            }
        }));
    }

    private static boolean createdBefore(Endpoints object, Instant instant) {
        try {
            Instant created = Times.parse(object.metadata.creationTimestamp);
            return created == null || created.isBefore(instant);
        } catch (RuntimeException e) {
            return true;
        }
    }

    @Override
    public void close() {
        registrations.forEach(Informer.Registration::close);
        registrations.clear();
        if (queue != null) {
            queue.close();
        }
    }

    /** Makes the Endpoints of the service under the key match the pods it selects. */
    void reconcile(String key) {
        if (!services.hasSynced() || !pods.hasSynced() || !endpoints.hasSynced()) {
            queue.addAfter(key, SYNC_WAIT_MILLIS); // an empty cache is no reason to delete anything
            return;
        }
        String namespace = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        Optional<Service> service = services.get(namespace, name);
        Optional<Endpoints> current = newest(key, endpoints.get(namespace, name));
        if (service.isEmpty()) {
            triggerTimes.forget(key);
            written.remove(key);
            if (current.isPresent()) {
                delete(namespace, name);
            }
            return;
        }
        if (!ServicePods.managed(service.get())) {
            return; // hand-made endpoints
        }
        List<Pod> selected = ServicePods.podsOf(service.get(), pods);
        // computed even when nothing is written, so that the next write names only newer changes
        Instant triggered = triggerTimes.compute(service.get(), selected);
        List<EndpointSubset> subsets = EndpointSubsets.of(service.get(), selected);
        Map<String, String> labels = labels(service.get());
        if (current.isPresent() && same(current.get().subsets, subsets) && labels.equals(orEmpty(current.get().metadata.labels))) {
            return;
        }
        Endpoints desired = current.map(Json::copy).orElseGet(Endpoints::new);
        desired.metadata.name = name;
        desired.metadata.namespace = namespace;
        desired.metadata.labels = labels.isEmpty() ? null : labels;
        desired.subsets = subsets.isEmpty() ? null : subsets;
        if (triggered != null) {
            desired.metadata.annotations().put(TriggerTimes.ANNOTATION, Times.format(triggered));
        } else if (desired.metadata.annotations != null) {
            desired.metadata.annotations.remove(TriggerTimes.ANNOTATION);
        }
        write(service.get(), desired, current.isEmpty());
    }

    private void write(Service service, Endpoints desired, boolean create) {
        try {
            if (create) {
                written.put(key(desired), api.create(ResourceKind.ENDPOINTS, desired));
            } else {
                written.put(key(desired), api.update(ResourceKind.ENDPOINTS, desired));
            }
            LOG.debug("Endpoints {}/{}: {} address(es)", desired.metadata.namespace, desired.metadata.name,
                    EndpointSubsets.count(desired.subsets));
        } catch (ApiException e) {
            written.remove(key(desired)); // someone else wrote or deleted them: go by the cache again
            if (e.code() == 409) {
                // the cache lags behind a write (ours or someone else's): again after a back-off, from a fresher cache
                throw e;
            }
            if (create) {
                events.warning(desired, "FailedToCreateEndpoint", "Failed to create endpoint for service "
                        + service.metadata.namespace + "/" + service.metadata.name + ": " + e.getMessage());
            } else {
                events.warning(desired, "FailedToUpdateEndpoint", "Failed to update endpoint "
                        + service.metadata.namespace + "/" + service.metadata.name + ": " + e.getMessage());
            }
            throw e;
        }
    }

    /** The cached Endpoints, or the ones last written here when the cache does not show them yet. */
    private Optional<Endpoints> newest(String key, Optional<Endpoints> cached) {
        Endpoints mine = written.get(key);
        if (mine == null) {
            return cached;
        }
        if (cached.isPresent() && !older(cached.get().metadata.resourceVersion, mine.metadata.resourceVersion)) {
            written.remove(key, mine); // the cache has caught up
            return cached;
        }
        return Optional.of(mine);
    }

    private static boolean older(String version, String than) {
        try {
            return Long.parseLong(version) < Long.parseLong(than);
        } catch (NumberFormatException | NullPointerException e) {
            return false;
        }
    }

    private static String key(Endpoints object) {
        return ServicePods.key(object);
    }

    private void delete(String namespace, String name) {
        try {
            api.delete(ResourceKind.ENDPOINTS, namespace, name, new DeleteOptions());
        } catch (ApiException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
    }

    /** The service's labels, plus the headless label for a service without a cluster IP. */
    private static Map<String, String> labels(Service service) {
        Map<String, String> labels = new LinkedHashMap<>(orEmpty(service.metadata.labels));
        labels.remove(HEADLESS_LABEL);
        if (!ServicePods.hasClusterIP(service)) {
            labels.put(HEADLESS_LABEL, "");
        }
        return labels;
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? new HashMap<>() : map;
    }

    /** Equal subsets, an absent list being an empty one. */
    static boolean same(List<EndpointSubset> stored, List<EndpointSubset> desired) {
        boolean storedEmpty = stored == null || stored.isEmpty();
        boolean desiredEmpty = desired == null || desired.isEmpty();
        if (storedEmpty || desiredEmpty) {
            return storedEmpty == desiredEmpty;
        }
        JsonNode a = Json.tree(stored);
        JsonNode b = Json.tree(desired);
        return a.equals(b);
    }
}
