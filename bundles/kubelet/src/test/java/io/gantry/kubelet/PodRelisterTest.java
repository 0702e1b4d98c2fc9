package io.gantry.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.Configs;
import io.gantry.api.runtime.ContainerConfig;
import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.SandboxConfig;
import io.gantry.runtime.sim.SimRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The relister on the sim runtime: what the kubelet read back after acting must not hide what a
 * relist saw meanwhile. A container that dies right after its start is seen by the relist its
 * exit event brings; the kubelet's read-back, taken before the death, then replaced that view,
 * and the exit went unnoticed until the next periodic relist, seconds later.
 */
class PodRelisterTest {

    private final String node = "relist-" + UUID.randomUUID().toString().substring(0, 8);
    private final SimRuntime runtime = new SimRuntime(Configs.of(SimRuntime.Config.class, Map.of("startDelayMillis", 0L)));
    private final List<String> changed = new ArrayList<>();
    private final PodRelister relister = new PodRelister(node, () -> Map.of("sim", runtime), changed::add);

    @Test
    void aReadBackOlderThanARelistThatRanMeanwhileAsksForAnotherWhichSeesTheExit() {
        String uid = UUID.randomUUID().toString();
        SandboxConfig sandbox = new SandboxConfig(node, "default", "crasher", uid, 0, "sim", "crasher", "127.250.0.2",
                List.of());
        String sandboxId = runtime.runPodSandbox(sandbox);
        relister.relist();

        // the kubelet acts: it starts the container and reads it back, running
        long before = relister.relists();
        String id = runtime.createContainer(sandboxId, new ContainerConfig("crash", 0, "busybox", null, null, Map.of(),
                null, 0, 0, List.of(), null, null, false), sandbox);
        runtime.startContainer(id);
        ObservedPod readBack = new ObservedPod("sim", runtime.listPodSandboxes(node), runtime.listContainers(node));
        assertEquals(ContainerStatus.State.RUNNING, readBack.containers().get(0).state());
        // it dies at once; its event brings a relist before the kubelet records what it read back
        runtime.stopContainer(id, Duration.ZERO);
        relister.relist();
        changed.clear();

        assertTrue(relister.update(uid, readBack, before), "a relist ran meanwhile");
        assertEquals(ContainerStatus.State.RUNNING, relister.get(uid).containers().get(0).state(), "the older view, for now");
        relister.relist();
        assertEquals(List.of(uid), changed, "the next relist reports the exit");
        assertEquals(ContainerStatus.State.EXITED, relister.get(uid).containers().get(0).state());

        assertFalse(relister.update(uid, relister.get(uid), relister.relists()), "no relist since: nothing to ask");
    }
}
