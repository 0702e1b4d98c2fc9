package io.gantry.scheduler;

import io.gantry.api.core.v1.Taint;
import io.gantry.api.core.v1.Toleration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The filters, in the order kube-scheduler's default profile runs them; a node fails at the
 * first that rejects it. The reasons are Kubernetes' own strings
 * ({@code pkg/scheduler/framework/plugins/*}).
 */
final class Filters {

    static final String UNSCHEDULABLE = "node(s) were unschedulable";
    static final String NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
    static final String PORTS = "node(s) didn't have free ports for the requested pod ports";
    static final String TOO_MANY_PODS = "Too many pods";
    static final String EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
    static final String AFFINITY = "node(s) didn't match pod affinity rules";
    static final String ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";

    /** The default order: NodeUnschedulable, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit, InterPodAffinity. */
    static final List<Filter> ALL = List.of(new NodeUnschedulable(), new TaintToleration(), new NodeAffinity(),
            new NodePorts(), new NodeResourcesFit(), new InterPodAffinity());

    /** The filters of {@link #ALL} that can reject a node for the cycle's pod, in order, as an array (no iterator per node). */
    static Filter[] relevant(Cycle cycle) {
        List<Filter> relevant = new ArrayList<>(ALL.size());
        for (Filter filter : ALL) {
            if (filter.relevant(cycle)) {
                relevant.add(filter);
            }
        }
        return relevant.toArray(new Filter[0]);
    }

    private Filters() {
    }

    static String untoleratedTaint(Taint taint) {
        return "node(s) had untolerated taint {" + taint.key + ": " + (taint.value == null ? "" : taint.value) + "}";
    }

    /** A cordoned node ({@code spec.unschedulable}) takes only pods tolerating its unschedulable taint. */
    static final class NodeUnschedulable implements Filter {
        private static final Taint CORDON = new Taint(CachedNode.UNSCHEDULABLE, null, Taint.NO_SCHEDULE);

        @Override
        public String name() {
            return "NodeUnschedulable";
        }

        @Override
        public boolean filter(Cycle cycle, CachedNode node, List<String> reasons) {
            if (node.unschedulable && !tolerated(cycle.pod.tolerations, CORDON)) {
                reasons.add(UNSCHEDULABLE);
                return false;
            }
            return true;
        }
    }

    /** NoSchedule and NoExecute taints keep away pods that do not tolerate them; PreferNoSchedule only scores. */
    static final class TaintToleration implements Filter {
        @Override
        public String name() {
            return "TaintToleration";
        }

        @Override
        public boolean filter(Cycle cycle, CachedNode node, List<String> reasons) {
            if (!node.hasHardTaints) {
                return true;
            }
            List<Taint> taints = node.taints;
            for (int i = 0; i < taints.size(); i++) {
                Taint taint = taints.get(i);
                if ((Taint.NO_SCHEDULE.equals(taint.effect) || Taint.NO_EXECUTE.equals(taint.effect))
                        && !tolerated(cycle.pod.tolerations, taint)) {
                    reasons.add(untoleratedTaint(taint));
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code spec.nodeSelector} and required node affinity (both must hold). */
    static final class NodeAffinity implements Filter {
        @Override
        public String name() {
            return "NodeAffinity";
        }

        @Override
        public boolean relevant(Cycle cycle) {
            return !cycle.pod.nodeSelector.isEmpty() || !cycle.pod.requiredNodeTerms.isEmpty();
        }

        @Override
        public boolean filter(Cycle cycle, CachedNode node, List<String> reasons) {
            PodProfile pod = cycle.pod;
            if (pod.nodeSelector.isEmpty() && pod.requiredNodeTerms.isEmpty()) {
                return true;
            }
            for (Map.Entry<String, String> wanted : pod.nodeSelector.entrySet()) {
                if (!wanted.getValue().equals(node.labels.get(wanted.getKey()))) {
                    reasons.add(NODE_AFFINITY);
                    return false;
                }
            }
            if (!pod.requiredNodeTerms.isEmpty() && !NodeSelectorTerm.anyMatches(pod.requiredNodeTerms, node.labels, node.name)) {
                reasons.add(NODE_AFFINITY);
                return false;
            }
            return true;
        }
    }

    /** Host ports already taken on the node (same protocol and port, overlapping address). */
    static final class NodePorts implements Filter {
        @Override
        public String name() {
            return "NodePorts";
        }

        @Override
        public boolean relevant(Cycle cycle) {
            return !cycle.pod.hostPorts.isEmpty();
        }

        @Override
        public boolean filter(Cycle cycle, CachedNode node, List<String> reasons) {
            if (!cycle.pod.hostPorts.isEmpty() && node.portsConflict(cycle.pod.hostPorts)) {
                reasons.add(PORTS);
                return false;
            }
            return true;
        }
    }

    /** Pod count, and the requests of CPU, memory and ephemeral storage against what is left; every shortage counts. */
    static final class NodeResourcesFit implements Filter {
        @Override
        public String name() {
            return "NodeResourcesFit";
        }

        @Override
        public boolean filter(Cycle cycle, CachedNode node, List<String> reasons) {
            PodProfile pod = cycle.pod;
            boolean fits = true;
            if (node.podCount + 1 > node.allocatablePods) {
                reasons.add(TOO_MANY_PODS);
                fits = false;
            }
            if (pod.milliCpu > 0 && pod.milliCpu > node.allocatableMilliCpu - node.requestedMilliCpu) {
                reasons.add("Insufficient cpu");
                fits = false;
            }
            if (pod.memory > 0 && pod.memory > node.allocatableMemory - node.requestedMemory) {
                reasons.add("Insufficient memory");
                fits = false;
            }
            if (pod.ephemeralStorage > 0
                    && pod.ephemeralStorage > node.allocatableEphemeralStorage - node.requestedEphemeralStorage) {
                reasons.add("Insufficient ephemeral-storage");
                fits = false;
            }
            return fits;
        }
    }

    /** Required pod affinity and anti-affinity, the pod's own and existing pods' anti-affinity. */
    static final class InterPodAffinity implements Filter {
        @Override
        public String name() {
            return "InterPodAffinity";
        }

        @Override
        public boolean relevant(Cycle cycle) {
            return cycle.needsPodAffinity();
        }

        @Override
        public boolean filter(Cycle cycle, CachedNode node, List<String> reasons) {
            if (!cycle.needsPodAffinity()) {
                return true;
            }
            if (!cycle.forbiddenByExisting.isEmpty()) {
                for (Map.Entry<String, String> label : node.labels.entrySet()) {
                    if (cycle.forbiddenByExisting.contains(label.getKey() + "=" + label.getValue())) {
                        reasons.add(EXISTING_ANTI_AFFINITY);
                        return false;
                    }
                }
            }
            List<PodAffinityTerm> affinity = cycle.pod.podAffinity;
            for (int i = 0; i < affinity.size(); i++) {
                String value = node.label(affinity.get(i).topologyKey());
                // the first pod of a group that selects itself may go anywhere its topology key exists
                boolean satisfied = value != null && (cycle.affinityBootstrap || cycle.affinityDomains.get(i).contains(value));
                if (!satisfied) {
                    reasons.add(AFFINITY);
                    return false;
                }
            }
            List<PodAffinityTerm> anti = cycle.pod.podAntiAffinity;
            for (int i = 0; i < anti.size(); i++) {
                String value = node.label(anti.get(i).topologyKey());
                if (value != null && cycle.antiAffinityDomains.get(i).contains(value)) {
                    reasons.add(ANTI_AFFINITY);
                    return false;
                }
            }
            return true;
        }
    }

    static boolean tolerated(List<Toleration> tolerations, Taint taint) {
        for (Toleration toleration : tolerations) {
            if (toleration.tolerates(taint)) {
                return true;
            }
        }
        return false;
    }
}
