package io.gantry.runtime.docker;

import com.github.dockerjava.api.model.Container;
import io.gantry.api.runtime.SandboxConfig;
import io.gantry.api.runtime.SandboxStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandboxes of one-container pods ({@link SandboxConfig#soleContainer()}), which are no
 * container of their own: each attempt of the pod's container is created with the sandbox's
 * network (its hostname, the ports published on the pod IP), so a pod starts with one container
 * start instead of two. Such a sandbox is a record: kept here from its creation, and found again
 * after a restart in the labels its containers carry (the sandbox's id and attempt, the pod IP).
 * It stays ready while its container exits and restarts, until it is stopped; a restarted
 * runtime, which does not know it was stopped, reports it ready once more, and the kubelet stops
 * it again.
 */
final class SoloSandboxes {

    private static final String PREFIX = "solo-";

    /** Those created by this runtime instance, which may have no container yet. */
    private final Map<String, Created> created = new ConcurrentHashMap<>();
    private final Set<String> stopped = ConcurrentHashMap.newKeySet();

    private record Created(SandboxConfig config, Instant at) {
    }

    static boolean isSolo(String sandboxId) {
        return sandboxId != null && sandboxId.startsWith(PREFIX);
    }

    /** Records a new sandbox; returns its id, which names the pod and the attempt. */
    String create(SandboxConfig config) {
        String id = PREFIX + config.podUid() + "-" + config.attempt();
        created.put(id, new Created(config, Instant.now()));
        stopped.remove(id);
        return id;
    }

    void stop(String sandboxId) {
        stopped.add(sandboxId);
    }

    void remove(String sandboxId) {
        created.remove(sandboxId);
        stopped.remove(sandboxId);
    }

    static String runtimeHandler(SandboxConfig sandbox) {
        return sandbox.runtimeHandler() == null ? DockerRuntime.NAME : sandbox.runtimeHandler();
    }

    /**
     * The node's solo sandboxes: those created here, and those its containers name (listed by the
     * node's label, sandbox containers and all).
     */
    List<SandboxStatus> list(String nodeName, List<Container> nodeContainers) {
        Map<String, SandboxStatus> found = new HashMap<>();
        created.forEach((id, sandbox) -> {
            SandboxConfig config = sandbox.config();
            if (nodeName.equals(config.nodeName())) {
                found.put(id, new SandboxStatus(id, config.podUid(), config.namespace(), config.podName(),
                        config.attempt(), runtimeHandler(config), !stopped.contains(id), config.podIp(), sandbox.at()));
            }
        });
        for (Container container : nodeContainers) {
            Map<String, String> labels = DockerRuntime.labels(container);
            String id = labels.get(DockerRuntime.SANDBOX_ID);
            if (isSolo(id) && !found.containsKey(id)) {
                // created when its newest container was, near enough: a pod's sandboxes are told apart by attempt
                found.put(id, DockerRuntime.sandboxStatus(id, labels, !stopped.contains(id),
                        Instant.ofEpochSecond(container.getCreated())));
            }
        }
        return new ArrayList<>(found.values());
    }
}
