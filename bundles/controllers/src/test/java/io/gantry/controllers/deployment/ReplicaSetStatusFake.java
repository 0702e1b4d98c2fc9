package io.gantry.controllers.deployment;

import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.SharedInformers;
import io.gantry.api.json.Json;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * Stands in for the ReplicaSet controller and the kubelets in the deployment controller's tests:
 * reports each ReplicaSet's pods as its {@code spec.replicas}, all ready and available if the
 * ReplicaSet is healthy by the given test (a template whose pods never become ready otherwise),
 * at its current generation. The deployment controller reads ReplicaSets only, so this is what
 * it sees of pods.
 */
final class ReplicaSetStatusFake implements AutoCloseable {

    private final ApiClient api;
    private final Predicate<ReplicaSet> healthy;
    private final Informer.Registration registration;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "test-replicaset-status");
        thread.setDaemon(true);
        return thread;
    });

    ReplicaSetStatusFake(ApiClient api, SharedInformers informers, Predicate<ReplicaSet> healthy) {
        this.api = api;
        this.healthy = healthy;
        this.registration = informers.informer(ResourceKind.REPLICA_SETS).addHandler(new Informer.Handler<>() {
            @Override
            public void onAdd(ReplicaSet rs) {
                writer.execute(() -> report(rs.metadata.namespace, rs.metadata.name));
            }

            @Override
            public void onUpdate(ReplicaSet previous, ReplicaSet current) {
                writer.execute(() -> report(current.metadata.namespace, current.metadata.name));
            }
        });
    }

    private void report(String namespace, String name) {
        while (true) {
            ReplicaSet rs;
            try {
                rs = api.get(ResourceKind.REPLICA_SETS, namespace, name);
            } catch (ApiException e) {
                return; // deleted
            }
            ReplicaSet reported = Json.copy(rs);
            int replicas = ReplicaSets.replicas(rs);
            int ready = healthy.test(rs) ? replicas : 0;
            var status = reported.status();
            status.replicas = replicas;
            status.fullyLabeledReplicas = replicas;
            status.readyReplicas = ready;
            status.availableReplicas = ready;
            status.observedGeneration = rs.metadata.generation == null ? 0 : rs.metadata.generation;
            if (Objects.equals(Json.tree(status), Json.tree(rs.status == null ? new Object() : rs.status))) {
                return;
            }
            try {
                api.updateStatus(ResourceKind.REPLICA_SETS, reported);
                return;
            } catch (ApiException e) {
                if (!e.isConflict()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        registration.close();
        writer.shutdownNow();
    }
}
