package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;
import java.util.List;
import java.util.Objects;

/**
 * Kubernetes {@code Toleration}: lets a pod onto (or stay on) a node with a matching taint.
 * {@code operator} is {@code Equal} (the default) or {@code Exists}; an empty key with Exists
 * tolerates every taint; {@code tolerationSeconds} bounds how long a NoExecute taint is
 * tolerated.
 */
public class Toleration extends Extensible {

    public String key;
    public String operator;
    public String value;
    public String effect;
    public Long tolerationSeconds;

    public Toleration() {
    }

    public Toleration(String key, String operator, String value, String effect) {
        this.key = key;
        this.operator = operator;
        this.value = value;
        this.effect = effect;
    }

    /**
     * True if this tolerates the taint, as Kubernetes' {@code Toleration.ToleratesTaint}: an
     * empty effect matches every effect, an empty key every key; Equal compares the values,
     * Exists ignores them, any other operator tolerates nothing.
     */
    public boolean tolerates(Taint taint) {
        if (!isEmpty(effect) && !effect.equals(taint.effect)) {
            return false;
        }
        if (!isEmpty(key) && !key.equals(taint.key)) {
            return false;
        }
        String op = operator == null ? "" : operator;
        return switch (op) {
            case "", "Equal" -> Objects.equals(orEmpty(value), orEmpty(taint.value));
            case "Exists" -> true;
            default -> false;
        };
    }

    /** True if any of the tolerations (null for none) tolerates the taint. */
    public static boolean tolerated(List<Toleration> tolerations, Taint taint) {
        return tolerations != null && tolerations.stream().anyMatch(t -> t.tolerates(taint));
    }

    private static boolean isEmpty(String text) {
        return text == null || text.isEmpty();
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }
}
