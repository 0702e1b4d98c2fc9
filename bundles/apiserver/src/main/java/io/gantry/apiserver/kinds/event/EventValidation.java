package io.gantry.apiserver.kinds.event;

import io.gantry.apiserver.registry.Validator;

/** The checks of {@code pkg/apis/core/validation/events.go}, on the fields both event APIs share. */
final class EventValidation {

    private EventValidation() {
    }

    /** legacyValidateEvent: run for every event, whichever API writes it. */
    static void legacy(EventColumns.View e, Validator v) {
        String namespace = e.namespace();
        String involvedNamespace = e.involvedObject().path("namespace").asText("");
        if (e.text("eventTime").isEmpty()) {
            if (involvedNamespace.isEmpty()) {
                if (!namespace.isEmpty() && !namespace.equals("default")) {
                    v.invalid("involvedObject.namespace", involvedNamespace, "does not match event.namespace");
                }
            } else if (!namespace.equals(involvedNamespace)) {
                v.invalid("involvedObject.namespace", involvedNamespace, "does not match event.namespace");
            }
        } else {
            if (involvedNamespace.isEmpty() && !namespace.equals("default") && !namespace.equals("kube-system")) {
                v.invalid("involvedObject.namespace", involvedNamespace, "does not match event.namespace");
            }
            String controller = e.text("reportingController");
            if (controller.isEmpty()) {
                v.required("reportingController");
            } else {
                v.qualifiedName("reportingController", controller);
            }
            String instance = e.text("reportingInstance");
            if (instance.isEmpty()) {
                v.required("reportingInstance");
            }
            if (instance.length() > 128) {
                v.invalid("reportingInstance", "", "can have at most 128 characters");
            }
            String action = e.text("action");
            if (action.isEmpty()) {
                v.required("action");
            }
            if (action.length() > 128) {
                v.invalid("action", "", "can have at most 128 characters");
            }
            String reason = e.text("reason");
            if (reason.isEmpty()) {
                v.required("reason");
            }
            if (reason.length() > 128) {
                v.invalid("reason", "", "can have at most 128 characters");
            }
            if (e.text("message").length() > 1024) {
                v.invalid("message", "", "can have at most 1024 characters");
            }
        }
        if (!namespace.isEmpty()) {
            v.dns1123Subdomain("namespace", namespace);
        }
    }

    /** The strict checks of events written through events.k8s.io/v1. */
    static void strict(EventColumns.View e, Validator v) {
        legacy(e, v);
        if (e.text("eventTime").isEmpty()) {
            v.required("eventTime");
        }
        String type = e.text("type");
        if (!type.equals("Normal") && !type.equals("Warning")) {
            v.invalid("type", "", "has invalid value: " + type);
        }
        for (String field : new String[] {"firstTimestamp", "lastTimestamp"}) {
            if (!e.text(field).isEmpty()) {
                v.invalid(field, "", "needs to be unset");
            }
        }
        if (e.count() != 0) {
            v.invalid("count", "", "needs to be unset");
        }
        if (!e.text("sourceComponent").isEmpty() || !e.text("sourceHost").isEmpty()) {
            v.invalid("source", "", "needs to be unset");
        }
        series(e, v);
    }

    static void series(EventColumns.View e, Validator v) {
        if (e.series().isObject()) {
            if (e.series().path("count").asLong(0) < 2) {
                v.invalid("series.count", "", "should be at least 2");
            }
            if (e.series().path("lastObservedTime").asText("").isEmpty()) {
                v.required("series.lastObservedTime");
            }
        }
    }
}
