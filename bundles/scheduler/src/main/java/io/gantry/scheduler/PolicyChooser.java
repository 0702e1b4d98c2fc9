package io.gantry.scheduler;

import io.gantry.api.scheduler.SchedulerPolicy;

/** Which policy places a pod, chosen anew for each pod so that a swapped plugin takes effect at the next one. */
interface PolicyChooser {

    /**
     * The policy for a pod's {@code spec.schedulerName}, or null if no policy here serves that name
     * (the pod is another scheduler's, or its policy is not installed now).
     */
    SchedulerPolicy policyFor(String schedulerName);

    /** True if pods of this scheduler name are this scheduler's (they may still wait for their policy). */
    boolean serves(String schedulerName);
}
