package io.gantry.api.core.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A toleration matches a taint as Kubernetes' Toleration.ToleratesTaint. */
class TolerationTest {

    private static final Taint UNREACHABLE = new Taint("node.kubernetes.io/unreachable", null, Taint.NO_EXECUTE);
    private static final Taint DEDICATED = new Taint("dedicated", "gpu", Taint.NO_SCHEDULE);

    // key, operator, value, effect of the toleration; whether it tolerates DEDICATED (dedicated=gpu:NoSchedule)
    @ParameterizedTest(name = "{0} {1} {2} {3} -> {4}")
    @CsvSource(nullValues = "-", value = {
            "dedicated, Equal, gpu, NoSchedule, true",
            "dedicated, -, gpu, NoSchedule, true",               // no operator is Equal
            "dedicated, '', gpu, NoSchedule, true",
            "dedicated, Equal, gpu, -, true",                    // no effect matches every effect
            "dedicated, Equal, cpu, NoSchedule, false",          // another value
            "dedicated, Equal, -, NoSchedule, false",            // Equal without value needs an empty taint value
            "dedicated, Exists, -, NoSchedule, true",
            "dedicated, Exists, -, -, true",
            "dedicated, Exists, -, NoExecute, false",            // another effect
            "dedicated, Exists, -, PreferNoSchedule, false",
            "other, Exists, -, NoSchedule, false",               // another key
            "-, Exists, -, -, true",                             // tolerates everything
            "-, Exists, -, NoExecute, false",
            "dedicated, Lt, gpu, NoSchedule, false",             // an operator Kubernetes does not know
            "dedicated, equal, gpu, NoSchedule, false",          // operators are case sensitive
    })
    void toleratesAsKubernetes(String key, String operator, String value, String effect, boolean tolerates) {
        assertEquals(tolerates, new Toleration(key, operator, value, effect).tolerates(DEDICATED));
    }

    @Test
    void equalWithoutValueToleratesATaintWithoutValue() {
        assertTrue(new Toleration("node.kubernetes.io/unreachable", "Equal", null, "NoExecute").tolerates(UNREACHABLE));
        assertTrue(new Toleration("node.kubernetes.io/unreachable", "Equal", "", "NoExecute").tolerates(UNREACHABLE));
    }

    @Test
    void aPodsTolerationsAsKubernetesDefaultsThem() {
        // the two tolerations the DefaultTolerationSeconds admission plugin gives every pod
        List<Toleration> tolerations = Json.readYaml("""
                - key: node.kubernetes.io/not-ready
                  operator: Exists
                  effect: NoExecute
                  tolerationSeconds: 300
                - key: node.kubernetes.io/unreachable
                  operator: Exists
                  effect: NoExecute
                  tolerationSeconds: 300
                """, ListOfTolerations.class);
        assertTrue(Toleration.tolerated(tolerations, UNREACHABLE));
        assertEquals(300L, tolerations.get(1).tolerationSeconds);
        assertFalse(Toleration.tolerated(tolerations, DEDICATED));
        assertFalse(Toleration.tolerated(null, DEDICATED));
        assertTrue(Toleration.tolerated(List.of(new Toleration(null, "Exists", null, null)), DEDICATED));
    }

    /** A concrete list type for reading. */
    static class ListOfTolerations extends java.util.ArrayList<Toleration> {
    }
}
