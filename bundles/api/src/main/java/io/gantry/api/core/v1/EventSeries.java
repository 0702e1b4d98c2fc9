package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code EventSeries} (core group): an event that recurs, with its count so far. */
public class EventSeries extends Extensible {

    public Integer count;
    /** A MicroTime. */
    public String lastObservedTime;
}
