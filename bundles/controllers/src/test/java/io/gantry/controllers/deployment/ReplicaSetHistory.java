package io.gantry.controllers.deployment;

import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.Watch;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.client.WatchListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every change of the ReplicaSets of a namespace, in the order the API server made them, each
 * with the state of all of them right after: the steps of a rollout, as a user watching
 * {@code kubectl get rs -w} would see them.
 */
final class ReplicaSetHistory implements AutoCloseable {

    /** One change and the ReplicaSets (by name) right after it. */
    record Step(WatchEvent.Type type, ReplicaSet changed, Map<String, ReplicaSet> all) {
    }

    private final Watch watch;
    private final Map<String, ReplicaSet> current = new LinkedHashMap<>();
    private final List<Step> steps = new ArrayList<>();

    ReplicaSetHistory(ApiClient api, String namespace) {
        watch = api.watch(ResourceKind.REPLICA_SETS, namespace, ListOptions.ALL, new WatchListener<>() {
            @Override
            public void onEvent(WatchEvent<ReplicaSet> event) {
                synchronized (ReplicaSetHistory.this) {
                    if (event.type() == WatchEvent.Type.DELETED) {
                        current.remove(event.object().metadata.name);
                    } else if (event.type() != WatchEvent.Type.BOOKMARK) {
                        current.put(event.object().metadata.name, event.object());
                    }
                    steps.add(new Step(event.type(), event.object(), Map.copyOf(current)));
                }
            }
        });
    }

    synchronized List<Step> steps() {
        return List.copyOf(steps);
    }

    @Override
    public void close() {
        watch.close();
    }
}
