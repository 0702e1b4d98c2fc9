package io.gantry.controllers.endpoints;

import io.gantry.api.core.v1.Service;
import io.gantry.api.discovery.v1.Endpoint;
import io.gantry.api.discovery.v1.EndpointSlice;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.OwnerReference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to write to make a service's EndpointSlices hold its endpoints, computed without writing,
 * with little churn as Kubernetes' reconciler: an endpoint stays in the slice that holds it (with
 * the same ports), new ones fill slices with room before new slices of at most
 * {@value EndpointSlices#MAX_ENDPOINTS} are made, a slice no longer needed is reused in place for
 * new content before one is created, and the rest are deleted. A service without endpoints keeps
 * one empty slice, as Kubernetes' placeholder.
 *
 * @param updates existing slices with their new content, to update
 * @param creates new slices, to create
 * @param deletes existing slices no longer needed
 */
record SlicePlan(List<EndpointSlice> updates, List<EndpointSlice> creates, List<EndpointSlice> deletes) {

    /** The label naming the controller that manages a slice. */
    static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
    /** The endpoint slice controller's value of the managed-by label, as Kubernetes'. */
    static final String MANAGED_BY = "endpointslice-controller.k8s.io";

    /** Nothing to write. */
    boolean isEmpty() {
        return updates.isEmpty() && creates.isEmpty() && deletes.isEmpty();
    }

    /**
     * The plan for a service.
     *
     * @param service the service, or null when it is gone or has no selector (all slices go)
     * @param groups its endpoints by ports ({@link EndpointSlices#of})
     * @param existing the slices it has
     */
    static SlicePlan of(Service service, List<EndpointSlices.Content> groups, List<EndpointSlice> existing) {
        List<EndpointSlice> pool = new ArrayList<>(existing);
        pool.sort(Comparator.comparing(s -> s.metadata.name));
        if (service == null) {
            return new SlicePlan(List.of(), List.of(), pool);
        }
        Map<EndpointSlice, EndpointSlices.Content> placed = new IdentityHashMap<>();
        List<EndpointSlice> order = new ArrayList<>();
        List<EndpointSlices.Content> fresh = new ArrayList<>();
        for (EndpointSlices.Content group : groups) {
            Map<String, Endpoint> remaining = new LinkedHashMap<>();
            group.endpoints().forEach(e -> remaining.put(EndpointSlices.identity(e), e));
            List<EndpointSlice> holding = new ArrayList<>();
            List<List<Endpoint>> contents = new ArrayList<>();
            // endpoints stay where they are
            for (EndpointSlice slice : List.copyOf(pool)) {
                if (!samePorts(slice, group)) {
                    continue;
                }
                List<Endpoint> kept = new ArrayList<>();
                for (Endpoint stored : slice.endpoints == null ? List.<Endpoint>of() : slice.endpoints) {
                    Endpoint current = remaining.remove(EndpointSlices.identity(stored));
                    if (current != null) {
                        kept.add(current);
                    }
                }
                if (!kept.isEmpty()) {
                    pool.remove(slice);
                    holding.add(slice);
                    contents.add(kept);
                }
            }
            // new ones fill the room there is, then new slices
            Iterator<Endpoint> rest = remaining.values().iterator();
            for (List<Endpoint> content : contents) {
                while (content.size() < EndpointSlices.MAX_ENDPOINTS && rest.hasNext()) {
                    content.add(rest.next());
                }
            }
            for (int i = 0; i < holding.size(); i++) {
                List<Endpoint> content = contents.get(i);
                content.sort(EndpointSlices.ORDER);
                placed.put(holding.get(i), new EndpointSlices.Content(group.ports(), List.copyOf(content)));
                order.add(holding.get(i));
            }
            List<Endpoint> chunk = new ArrayList<>();
            while (rest.hasNext()) {
                chunk.add(rest.next());
                if (chunk.size() == EndpointSlices.MAX_ENDPOINTS || !rest.hasNext()) {
                    chunk.sort(EndpointSlices.ORDER);
                    fresh.add(new EndpointSlices.Content(group.ports(), List.copyOf(chunk)));
                    chunk = new ArrayList<>();
                }
            }
        }
        if (groups.isEmpty()) {
            fresh.add(new EndpointSlices.Content(List.of(), List.of())); // the placeholder
        }
        Map<String, String> labels = labels(service);
        List<EndpointSlice> creates = new ArrayList<>();
        for (EndpointSlices.Content content : fresh) {
            // a leftover slice that already holds this (a placeholder) is kept, else one is reused in place
            EndpointSlice reused = pool.stream().filter(s -> upToDate(s, content, labels, service)).findFirst()
                    .orElse(pool.isEmpty() ? null : pool.get(0));
            if (reused != null) {
                pool.remove(reused);
                placed.put(reused, content);
                order.add(reused);
            } else {
                EndpointSlice slice = new EndpointSlice();
                slice.metadata.namespace = service.metadata.namespace;
                slice.metadata.generateName = prefix(service.metadata.name);
                fill(slice, content, labels, service);
                creates.add(slice);
            }
        }
        List<EndpointSlice> updates = new ArrayList<>();
        for (EndpointSlice slice : order) {
            EndpointSlices.Content content = placed.get(slice);
            if (!upToDate(slice, content, labels, service)) {
                EndpointSlice updated = Json.copy(slice);
                fill(updated, content, labels, service);
                updates.add(updated);
            }
        }
        return new SlicePlan(updates, creates, pool);
    }

    private static boolean samePorts(EndpointSlice slice, EndpointSlices.Content group) {
        return "IPv4".equals(slice.addressType) && Json.tree(slice.ports == null ? List.of() : slice.ports)
                .equals(Json.tree(group.ports()));
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

    /** The service's labels, the service name, the managing controller, and headless when so. */
    static Map<String, String> labels(Service service) {
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
