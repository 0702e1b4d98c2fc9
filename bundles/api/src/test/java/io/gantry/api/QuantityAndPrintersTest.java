package io.gantry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ContainerState;
import io.gantry.api.core.v1.ContainerStatus;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Quantity;
import io.gantry.api.meta.v1.Times;
import io.gantry.api.print.Printers;
import io.gantry.api.runtime.PullPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuantityAndPrintersTest {

    @Test
    void quantities() {
        assertEquals(250, Quantity.milliValue("250m"));
        assertEquals(2000, Quantity.milliValue("2"));
        assertEquals(500, Quantity.milliValue("0.5"));
        assertEquals(64L << 20, Quantity.value("64Mi"));
        assertEquals(1_000_000_000L, Quantity.value("1G"));
        assertEquals(1000, Quantity.value("1e3"));
        assertFalse(Quantity.isValid("12 apples"));
        assertThrows(IllegalArgumentException.class, () -> Quantity.parse("1Q"));
    }

    @Test
    void pullPolicyDefaultsByTag() {
        assertEquals(PullPolicy.IF_NOT_PRESENT, PullPolicy.of(null, "gantry/httpd:1.0"));
        assertEquals(PullPolicy.ALWAYS, PullPolicy.of(null, "gantry/httpd"));
        assertEquals(PullPolicy.ALWAYS, PullPolicy.of(null, "gantry/httpd:latest"));
        assertEquals(PullPolicy.ALWAYS, PullPolicy.of(null, "registry:5000/httpd"), "a registry port is no tag");
        assertEquals(PullPolicy.NEVER, PullPolicy.of("Never", "x:1"));
    }

    @Test
    void agesAsKubectlPrintsThem() {
        assertEquals("45s", Printers.humanDuration(Duration.ofSeconds(45)));
        assertEquals("3m12s", Printers.humanDuration(Duration.ofSeconds(192)));
        assertEquals("12m", Printers.humanDuration(Duration.ofMinutes(12)));
        assertEquals("5h3m", Printers.humanDuration(Duration.ofMinutes(303)));
        assertEquals("20h", Printers.humanDuration(Duration.ofHours(20)));
        assertEquals("2d5h", Printers.humanDuration(Duration.ofHours(53)));
        assertEquals("30d", Printers.humanDuration(Duration.ofDays(30)));
    }

    @Test
    void podStatusColumnFollowsKubectl() {
        Pod pod = new Pod();
        Container container = new Container();
        container.name = "c";
        pod.spec.containers.add(container);
        assertEquals("Pending", Printers.podStatus(pod));
        assertEquals("0/1", Printers.podReady(pod));

        ContainerStatus status = new ContainerStatus();
        status.name = "c";
        status.state = ContainerState.waiting("ErrImagePull", "no registry");
        pod.status().phase = "Pending";
        pod.status.containerStatuses = List.of(status);
        assertEquals("ErrImagePull", Printers.podStatus(pod));

        status.state = ContainerState.running(Times.now());
        status.ready = true;
        status.restartCount = 2;
        pod.status.phase = "Running";
        assertEquals("Running", Printers.podStatus(pod));
        assertEquals("1/1", Printers.podReady(pod));
        assertEquals(2, Printers.podRestarts(pod));

        pod.metadata.deletionTimestamp = Times.now();
        assertEquals("Terminating", Printers.podStatus(pod));
    }

    @Test
    void nodeStatusAndRoles() {
        Node node = new Node();
        assertEquals("Unknown", Printers.nodeStatus(node));
        NodeCondition ready = new NodeCondition();
        ready.type = "Ready";
        ready.status = "True";
        node.status().conditions = List.of(ready);
        node.spec.unschedulable = true;
        assertEquals("Ready,SchedulingDisabled", Printers.nodeStatus(node));
        assertEquals("<none>", Printers.nodeRoles(node));
        node.meta().labels().put("node-role.kubernetes.io/control-plane", "");
        assertEquals("control-plane", Printers.nodeRoles(node));
    }

    @Test
    void columnsAreAlignedThreeSpacesApartWithoutTrailingBlanks() {
        String table = Printers.columns(List.of(
                List.of("NAME", "READY", "STATUS"),
                List.of("web", "1/1", "Running"),
                List.of("a-longer-name", "0/2", "")));
        assertEquals("""
                NAME            READY   STATUS
                web             1/1     Running
                a-longer-name   0/2
                """, table);
    }
}
