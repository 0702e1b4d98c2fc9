package io.gantry.api.events.v1;

import io.gantry.api.core.v1.EventSource;
import io.gantry.api.core.v1.ObjectReference;
import io.gantry.api.meta.v1.KubeObject;

/**
 * Kubernetes {@code events.k8s.io/v1 Event}: the newer shape of an event (Kubernetes stores one
 * event and serves it in both shapes): {@code regarding} for the core involvedObject,
 * {@code note} for message, {@code reportingController} for reportingComponent, and the older
 * fields as {@code deprecated*}. {@code eventTime} is a MicroTime and required.
 */
public class Event extends KubeObject {

    public String eventTime;
    public EventSeries series;
    public String reportingController;
    public String reportingInstance;
    public String action;
    public String reason;
    public ObjectReference regarding;
    public ObjectReference related;
    public String note;
    /** {@code Normal} or {@code Warning}. */
    public String type;
    public EventSource deprecatedSource;
    public String deprecatedFirstTimestamp;
    public String deprecatedLastTimestamp;
    public Integer deprecatedCount;

    public Event() {
        super("events.k8s.io/v1", "Event");
    }
}
