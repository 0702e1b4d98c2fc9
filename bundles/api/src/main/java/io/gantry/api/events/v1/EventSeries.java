package io.gantry.api.events.v1;

import io.gantry.api.meta.v1.Extensible;

/**
 * Kubernetes {@code EventSeries} (events.k8s.io): a recurring event's count and the MicroTime
 * it was last seen.
 */
public class EventSeries extends Extensible {

    public Integer count;
    public String lastObservedTime;
}
