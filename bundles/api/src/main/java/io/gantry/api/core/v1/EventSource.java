package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code EventSource}: the component (and host) that reported an event. */
public class EventSource extends Extensible {

    public String component;
    public String host;

    public EventSource() {
    }

    public EventSource(String component, String host) {
        this.component = component;
        this.host = host;
    }
}
