package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.KubeObject;

/**
 * Kubernetes {@code v1 Event} (core group): something that happened to an object, as
 * {@code kubectl describe} and {@code kubectl get events} show. Repeats of one event raise
 * {@code count} and {@code lastTimestamp}. {@code type} is {@code Normal} or {@code Warning}.
 * Times are RFC 3339 to the second, except {@code eventTime}, a MicroTime.
 */
public class Event extends KubeObject {

    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";

    public ObjectReference involvedObject = new ObjectReference();
    public String reason;
    public String message;
    public EventSource source;
    public String firstTimestamp;
    public String lastTimestamp;
    public Integer count;
    public String type;
    public String eventTime;
    public EventSeries series;
    public String action;
    public ObjectReference related;
    public String reportingComponent;
    public String reportingInstance;

    public Event() {
        super("v1", "Event");
    }
}
