package io.gantry.kubelet;

import io.gantry.api.runtime.ContainerRuntime;
import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.RuntimeListing;
import io.gantry.api.runtime.SandboxStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's view of what runs, after the Kubernetes PLEG: one relist asks each runtime for
 * the node's sandboxes and containers (two calls, however many pods), compares each pod with the
 * last relist, and reports the pods that changed. Runtime events make a relist happen at once;
 * a timer makes one happen now and then in case an event was missed.
 *
 * <p>The pods of a runtime that is gone or does not answer keep their last observed state, so
 * they are neither started again elsewhere nor forgotten (they are reported as unknown).
 */
final class PodRelister {

    private static final Logger LOG = LoggerFactory.getLogger(PodRelister.class);

    private final String nodeName;
    private final Supplier<Map<String, ContainerRuntime>> runtimes;
    private final Consumer<String> changed;
    private final Map<String, ObservedPod> pods = new ConcurrentHashMap<>();
    private volatile Set<String> unreachable = Set.of();
    /** Runtimes listed at least once: before that, what runs of their pods is not known. */
    private volatile Set<String> listed = Set.of();
    private volatile long relists;

    /**
     * @param runtimes the installed runtime plugins by name, as of the moment of the call
     * @param changed  called with the uid of each pod that changed
     */
    PodRelister(String nodeName, Supplier<Map<String, ContainerRuntime>> runtimes, Consumer<String> changed) {
        this.nodeName = nodeName;
        this.runtimes = runtimes;
        this.changed = changed;
    }

    /** The pod as last observed, or null if no runtime holds anything of it. */
    ObservedPod get(String podUid) {
        return pods.get(podUid);
    }

    /** How many relists have ended: a sync notes it before it acts, to tell whether one ran meanwhile. */
    long relists() {
        return relists;
    }

    /**
     * Records what the kubelet itself just did to a pod (and read back), so that its status
     * needs no relist; the next relist compares against it.
     *
     * @param relistsBefore {@link #relists()} before the kubelet acted
     * @return whether a relist ended meanwhile: its view of the pod, which this replaced, may be
     *         newer than what was read back (a container that died right after its start), and
     *         only another relist tells
     */
    synchronized boolean update(String podUid, ObservedPod observed, long relistsBefore) {
        pods.put(podUid, observed);
        return relists != relistsBefore;
    }

    /** The uids of every pod some runtime holds. */
    Set<String> podUids() {
        return new HashSet<>(pods.keySet());
    }

    /**
     * Whether the runtime was listed since this kubelet started: until then a pod without observed
     * state may be running there all the same, and starting it would run it twice.
     */
    boolean listed(String runtime) {
        return listed.contains(runtime);
    }

    /** Whether the runtime answered at the last relist. */
    boolean reachable(String runtime) {
        return !unreachable.contains(runtime);
    }

    /**
     * Lists every runtime and reports the pods that changed since the last relist.
     *
     * @return whether a runtime stopped or started answering, or was listed for the first time
     *         (every pod may need a look)
     */
    boolean relist() {
        boolean reachability;
        List<String> changedUids = new ArrayList<>();
        synchronized (this) {
            Map<String, ObservedPod> fresh = new HashMap<>();
            Set<String> failed = new HashSet<>();
            Set<String> nowListed = new HashSet<>(listed);
            Map<String, ContainerRuntime> installed = runtimes.get();
            for (Map.Entry<String, ContainerRuntime> runtime : installed.entrySet()) {
                try {
                    RuntimeListing listing = runtime.getValue().list(nodeName);
                    group(runtime.getKey(), listing.sandboxes(), listing.containers(), fresh);
                    nowListed.add(runtime.getKey());
                } catch (RuntimeException e) {
                    failed.add(runtime.getKey());
                    if (!unreachable.contains(runtime.getKey())) {
                        LOG.warn("Container runtime {} does not answer; its pods are left as they are: {}",
                                runtime.getKey(), e.toString());
                    }
                }
            }
            for (Map.Entry<String, ObservedPod> old : pods.entrySet()) {
                String runtime = old.getValue().runtime();
                if (failed.contains(runtime) || !installed.containsKey(runtime)) {
                    fresh.putIfAbsent(old.getKey(), old.getValue());
                }
            }
            Set<String> uids = new HashSet<>(pods.keySet());
            uids.addAll(fresh.keySet());
            for (String uid : uids) {
                if (!Objects.equals(pods.get(uid), fresh.get(uid))) {
                    changedUids.add(uid);
                }
            }
            pods.keySet().retainAll(fresh.keySet());
            pods.putAll(fresh);
            // a runtime listed for the first time: its pods, skipped until now, get their turn
            reachability = !failed.equals(unreachable) || !nowListed.equals(listed);
            listed = Set.copyOf(nowListed);
            if (reachability) {
                unreachable.stream().filter(name -> !failed.contains(name))
                        .forEach(name -> LOG.info("Container runtime {} answers again", name));
            }
            unreachable = failed;
            relists++;
        }
        changedUids.forEach(changed);
        return reachability;
    }

    private static void group(String runtime, List<SandboxStatus> sandboxes, List<ContainerStatus> containers,
                              Map<String, ObservedPod> into) {
        Map<String, List<SandboxStatus>> sandboxesByPod = new HashMap<>();
        Map<String, List<ContainerStatus>> containersByPod = new HashMap<>();
        for (SandboxStatus sandbox : sandboxes) {
            if (sandbox.podUid() != null) {
                sandboxesByPod.computeIfAbsent(sandbox.podUid(), k -> new ArrayList<>()).add(sandbox);
            }
        }
        for (ContainerStatus container : containers) {
            if (container.podUid() != null) {
                containersByPod.computeIfAbsent(container.podUid(), k -> new ArrayList<>()).add(container);
            }
        }
        Set<String> uids = new HashSet<>(sandboxesByPod.keySet());
        uids.addAll(containersByPod.keySet());
        for (String uid : uids) {
            List<SandboxStatus> podSandboxes = new ArrayList<>(sandboxesByPod.getOrDefault(uid, List.of()));
            List<ContainerStatus> podContainers = new ArrayList<>(containersByPod.getOrDefault(uid, List.of()));
            podSandboxes.sort(java.util.Comparator.comparing(SandboxStatus::id));
            podContainers.sort(java.util.Comparator.comparing(ContainerStatus::id));
            // a sandbox records the handler that chose its runtime; it names the pod's runtime from now on
            String handler = podSandboxes.stream().map(SandboxStatus::runtimeHandler).filter(Objects::nonNull)
                    .findFirst().orElse(runtime);
            into.put(uid, new ObservedPod(handler, List.copyOf(podSandboxes), List.copyOf(podContainers)));
        }
    }
}
