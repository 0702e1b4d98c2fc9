package io.gantry.apiserver.kinds.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.print.Printers;
import io.gantry.apiserver.kinds.Cells;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.Trees;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of {@code kubectl get pods}, computed as kube-apiserver's {@code printPod}: READY
 * counts ready containers (and started restartable init containers), STATUS is the reason a
 * container waits or ended, {@code Init:N/M} while initializing, or Terminating; RESTARTS tells
 * when the last restart was.
 */
final class PodColumns {

    static final List<Column> COLUMNS = List.of(
            Column.NAME,
            Column.of("Ready", "The aggregate readiness state of this pod for accepting traffic.",
                    pod -> summary(pod).ready),
            Column.of("Status", "The aggregate status of the containers in this pod.", pod -> summary(pod).status),
            Column.of("Restarts", "The number of times the containers in this pod have been restarted and when the "
                    + "last container in this pod has restarted.", pod -> summary(pod).restarts),
            Column.AGE,
            Column.wide("IP", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not "
                    + "yet allocated.", PodColumns::podIP),
            Column.wide("Node", "NodeName indicates in which node this pod is scheduled.",
                    pod -> Cells.orNone(Trees.text(pod, "spec", "nodeName"))),
            Column.wide("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the "
                    + "node.", pod -> Cells.orNone(Trees.text(pod, "status", "nominatedNodeName"))),
            Column.wide("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness.",
                    PodColumns::readinessGates));

    private PodColumns() {
    }

    /** The cells of READY, STATUS and RESTARTS, computed together as printPod does. */
    record Summary(String ready, String status, String restarts) {
    }

    static Summary summary(ObjectNode pod) {
        JsonNode spec = pod.path("spec");
        JsonNode status = pod.path("status");
        String phase = Trees.textOr(status, "", "phase");
        String reason = phase;
        if (!Trees.textOr(status, "", "reason").isEmpty()) {
            reason = Trees.text(status, "reason");
        }
        for (JsonNode condition : status.path("conditions")) {
            if ("PodScheduled".equals(condition.path("type").asText()) && "SchedulingGated".equals(condition.path("reason").asText())) {
                reason = "SchedulingGated";
            }
        }
        int total = spec.path("containers").size();
        Map<String, Boolean> restartable = new HashMap<>();
        for (JsonNode init : spec.path("initContainers")) {
            boolean always = "Always".equals(init.path("restartPolicy").asText());
            restartable.put(init.path("name").asText(), always);
            if (always) {
                total++;
            }
        }
        int ready = 0;
        int restarts = 0;
        int restartableRestarts = 0;
        Instant lastRestart = null;
        Instant lastRestartableRestart = null;
        boolean initializing = false;
        JsonNode initStatuses = status.path("initContainerStatuses");
        for (int i = 0; i < initStatuses.size(); i++) {
            JsonNode container = initStatuses.get(i);
            int count = container.path("restartCount").asInt(0);
            restarts += count;
            Instant finished = finishedAt(container);
            lastRestart = later(lastRestart, finished);
            boolean isRestartable = restartable.getOrDefault(container.path("name").asText(), false);
            if (isRestartable) {
                restartableRestarts += count;
                lastRestartableRestart = later(lastRestartableRestart, finished);
            }
            JsonNode state = container.path("state");
            JsonNode terminated = state.path("terminated");
            JsonNode waiting = state.path("waiting");
            if (terminated.isObject() && terminated.path("exitCode").asInt(0) == 0) {
                continue;
            }
            if (isRestartable && container.path("started").asBoolean(false)) {
                if (container.path("ready").asBoolean(false)) {
                    ready++;
                }
                continue;
            }
            if (terminated.isObject()) {
                String why = terminated.path("reason").asText("");
                if (why.isEmpty()) {
                    int signal = terminated.path("signal").asInt(0);
                    reason = signal != 0 ? "Init:Signal:" + signal : "Init:ExitCode:" + terminated.path("exitCode").asInt(0);
                } else {
                    reason = "Init:" + why;
                }
            } else if (waiting.isObject() && !waiting.path("reason").asText("").isEmpty()
                    && !"PodInitializing".equals(waiting.path("reason").asText())) {
                reason = "Init:" + waiting.path("reason").asText();
            } else {
                reason = "Init:" + i + "/" + spec.path("initContainers").size();
            }
            initializing = true;
            break;
        }
        if (!initializing || hasCondition(status, "Initialized")) {
            restarts = restartableRestarts;
            lastRestart = lastRestartableRestart;
            boolean hasRunning = false;
            JsonNode statuses = status.path("containerStatuses");
            for (int i = statuses.size() - 1; i >= 0; i--) {
                JsonNode container = statuses.get(i);
                restarts += container.path("restartCount").asInt(0);
                lastRestart = later(lastRestart, finishedAt(container));
                JsonNode state = container.path("state");
                JsonNode waiting = state.path("waiting");
                JsonNode terminated = state.path("terminated");
                if (waiting.isObject() && !waiting.path("reason").asText("").isEmpty()) {
                    reason = waiting.path("reason").asText();
                } else if (terminated.isObject() && !terminated.path("reason").asText("").isEmpty()) {
                    reason = terminated.path("reason").asText();
                } else if (terminated.isObject()) {
                    int signal = terminated.path("signal").asInt(0);
                    reason = signal != 0 ? "Signal:" + signal : "ExitCode:" + terminated.path("exitCode").asInt(0);
                } else if (container.path("ready").asBoolean(false) && state.path("running").isObject()) {
                    hasRunning = true;
                    ready++;
                }
            }
            if (reason.equals("Completed") && hasRunning) {
                reason = hasCondition(status, "Ready") ? "Running" : "NotReady";
            }
        }
        boolean deleting = !Trees.textOr(pod, "", "metadata", "deletionTimestamp").isEmpty();
        if (deleting && "NodeLost".equals(Trees.text(status, "reason"))) {
            reason = "Unknown";
        } else if (deleting && !phase.equals("Succeeded") && !phase.equals("Failed")) {
            reason = "Terminating";
        }
        String restartText = String.valueOf(restarts);
        if (restarts != 0 && lastRestart != null) {
            restartText = restarts + " (" + Printers.humanDuration(Duration.between(lastRestart, Instant.now())) + " ago)";
        }
        return new Summary(ready + "/" + total, reason, restartText);
    }

    private static Instant finishedAt(JsonNode containerStatus) {
        return Cells.instant(Trees.text(containerStatus, "lastState", "terminated", "finishedAt"));
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b != null && b.isAfter(a) ? b : a;
    }

    private static boolean hasCondition(JsonNode status, String type) {
        for (JsonNode condition : status.path("conditions")) {
            if (type.equals(condition.path("type").asText()) && "True".equals(condition.path("status").asText())) {
                return true;
            }
        }
        return false;
    }

    static String podIP(ObjectNode pod) {
        String ip = Trees.text(pod.path("status").path("podIPs").path(0), "ip");
        if (ip == null || ip.isEmpty()) {
            ip = Trees.text(pod, "status", "podIP");
        }
        return Cells.orNone(ip);
    }

    private static String readinessGates(ObjectNode pod) {
        JsonNode gates = pod.path("spec").path("readinessGates");
        if (gates.isEmpty()) {
            return Cells.NONE;
        }
        int trueConditions = 0;
        for (JsonNode gate : gates) {
            for (JsonNode condition : pod.path("status").path("conditions")) {
                if (condition.path("type").asText().equals(gate.path("conditionType").asText())) {
                    if ("True".equals(condition.path("status").asText())) {
                        trueConditions++;
                    }
                    break;
                }
            }
        }
        return trueConditions + "/" + gates.size();
    }
}
