package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/**
 * Kubernetes {@code Taint}: a node repels pods that do not tolerate it. {@code effect} is
 * {@code NoSchedule}, {@code PreferNoSchedule} or {@code NoExecute}; {@code timeAdded} is set
 * for NoExecute taints, when the taint was added.
 */
public class Taint extends Extensible {

    public static final String NO_SCHEDULE = "NoSchedule";
    public static final String PREFER_NO_SCHEDULE = "PreferNoSchedule";
    public static final String NO_EXECUTE = "NoExecute";

    public String key;
    public String value;
    public String effect;
    public String timeAdded;

    public Taint() {
    }

    public Taint(String key, String value, String effect) {
        this.key = key;
        this.value = value;
        this.effect = effect;
    }
}
