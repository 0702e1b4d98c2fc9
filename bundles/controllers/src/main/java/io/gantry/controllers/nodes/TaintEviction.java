package io.gantry.controllers.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Taint;
import io.gantry.api.core.v1.Toleration;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * When a pod on a node with NoExecute taints is to be evicted, as Kubernetes' taint eviction
 * controller decides it: at once if it does not tolerate one of them; never if it tolerates them
 * all for ever; otherwise when the shortest {@code tolerationSeconds} among the tolerations used
 * has passed since the taints came.
 *
 * <p>A pod that names no toleration for {@code not-ready} or {@code unreachable} is taken to
 * tolerate it for the controller manager's {@code defaultTolerationSeconds}, as Kubernetes'
 * DefaultTolerationSeconds admission plugin gives every pod 300 s. Gantry applies the default here,
 * when the decision is made, rather than writing it into every pod: the setting then lives in one
 * place (the controller manager's configuration), a change of it applies to running pods, and pods
 * read back exactly as they were written.
 */
public final class TaintEviction {

    /** What to do with one pod. */
    public record Decision(Action action, Instant at) {
        static final Decision KEEP = new Decision(Action.KEEP, null);
        static final Decision NOW = new Decision(Action.EVICT, null);
    }

    /** Keep the pod, or evict it (at {@link Decision#at}, or now when that is null). */
    public enum Action { KEEP, EVICT }

    private TaintEviction() {
    }

    /**
     * Decides for one pod.
     *
     * @param taints the NoExecute taints of the pod's node
     * @param defaultTolerationSeconds how long not-ready and unreachable are tolerated by a pod that does not say
     * @param came when each taint came, as well as the caller knows it (see {@link #stamped})
     */
    public static Decision decide(Pod pod, List<Taint> taints, long defaultTolerationSeconds, Instant now,
            Function<Taint, Instant> came) {
        if (taints.isEmpty()) {
            return Decision.KEEP;
        }
        List<Toleration> tolerations = tolerations(pod, defaultTolerationSeconds);
        long shortest = -1; // seconds; -1: for ever
        Instant since = null;
        for (Taint taint : taints) {
            Toleration used = tolerations.stream().filter(t -> t.tolerates(taint)).findFirst().orElse(null);
            if (used == null) {
                return Decision.NOW;
            }
            if (used.tolerationSeconds != null) {
                long seconds = Math.max(0, used.tolerationSeconds);
                shortest = shortest < 0 ? seconds : Math.min(shortest, seconds);
            }
            Instant added = came.apply(taint);
            added = added == null || added.isAfter(now) ? now : added;
            since = since == null || added.isBefore(since) ? added : since;
        }
        if (shortest < 0) {
            return Decision.KEEP;
        }
        // the clock runs from the taint (so a new leader does not restart it), or from the pod's
        // arrival if it came to the tainted node later
        Instant bound = bound(pod, now);
        Instant at = (bound.isAfter(since) ? bound : since).plusSeconds(shortest);
        return at.isAfter(now) ? new Decision(Action.EVICT, at) : Decision.NOW;
    }

    /**
     * The pod's tolerations, plus {@code not-ready} and {@code unreachable} NoExecute for the
     * default time when none of its own tolerates them.
     */
    public static List<Toleration> tolerations(Pod pod, long defaultTolerationSeconds) {
        List<Toleration> tolerations = new ArrayList<>(own(pod));
        for (String key : List.of(NodeTaints.NOT_READY, NodeTaints.UNREACHABLE)) {
            Taint taint = new Taint(key, null, Taint.NO_EXECUTE);
            if (!Toleration.tolerated(tolerations, taint)) {
                Toleration toleration = new Toleration(key, "Exists", null, Taint.NO_EXECUTE);
                toleration.tolerationSeconds = defaultTolerationSeconds;
                tolerations.add(toleration);
            }
        }
        return tolerations;
    }

    /** The tolerations the pod's spec names (kept by the model as an unmapped field). */
    static List<Toleration> own(Pod pod) {
        JsonNode tolerations = pod.spec == null ? null : pod.spec.extra("tolerations");
        if (tolerations == null || !tolerations.isArray()) {
            return List.of();
        }
        try {
            return Arrays.asList(Json.mapper().convertValue(tolerations, Toleration[].class));
        } catch (IllegalArgumentException e) {
            return List.of(); // the API server validated them; nothing readable means none
        }
    }

    /** When the pod was bound to its node: its PodScheduled condition's time, else its creation. */
    private static Instant bound(Pod pod, Instant now) {
        String time = pod.metadata.creationTimestamp;
        if (pod.status != null && pod.status.conditions != null) {
            for (var condition : pod.status.conditions) {
                if ("PodScheduled".equals(condition.type) && "True".equals(condition.status) && condition.lastTransitionTime != null) {
                    time = condition.lastTransitionTime;
                }
            }
        }
        return parse(time, now);
    }

    /** When the taint came by its {@code timeAdded} (whole seconds, rounded down), or now when it has none. */
    public static Instant stamped(Taint taint, Instant now) {
        return parse(taint.timeAdded, now);
    }

    private static Instant parse(String time, Instant now) {
        if (time == null) {
            return now;
        }
        try {
            Instant parsed = Times.parse(time);
            return parsed.isAfter(now) ? now : parsed;
        } catch (RuntimeException e) {
            return now;
        }
    }
}
