package io.gantry.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.api.Configs;
import io.gantry.api.Plugins;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Pod;
import io.gantry.runtime.sim.SimRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pod's spec.runtimeClassName picks its runtime through the kubelet's runtime classes, as a
 * RuntimeClass's handler does; a class not listed names a runtime plugin itself.
 */
class RuntimeClassTest {

    @TempDir
    Path root;

    @Test
    void aRuntimeClassMapsToItsHandlerAndAnUnlistedClassNamesTheRuntime() {
        String nodeName = "rc-" + UUID.randomUUID().toString().substring(0, 8);
        FakeApi api = new FakeApi();
        SimRuntime fast = new SimRuntime(Configs.of(SimRuntime.Config.class, Map.of("startDelayMillis", 0L)));
        SimRuntime other = new SimRuntime(Configs.of(SimRuntime.Config.class, Map.of("startDelayMillis", 0L, "seed", 2L)));
        TestConfig config = new TestConfig(nodeName, "127.251.0.0/16", root);
        config.defaultRuntime = "absent"; // a pod that fell back to the default would never run
        config.runtimeClasses = new String[] {"fast = sim-a, broken=", "other=sim-b"};
        Kubelet kubelet = new Kubelet(api, null, config, new NoConfigSource());
        kubelet.addRuntime(fast, Map.of(Plugins.NAME, "sim-a"));
        kubelet.addRuntime(other, Map.of(Plugins.NAME, "sim-b"));
        try {
            api.create(ResourceKind.PODS, pod(nodeName, "mapped", "fast"));
            api.create(ResourceKind.PODS, pod(nodeName, "direct", "sim-b"));

            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> running(api, "mapped") && running(api, "direct"));
            assertEquals(1, fast.listPodSandboxes(nodeName).size());
            assertEquals(1, other.listPodSandboxes(nodeName).size());
            assertEquals(uid(api, "mapped"), fast.listPodSandboxes(nodeName).get(0).podUid());
            assertEquals(uid(api, "direct"), other.listPodSandboxes(nodeName).get(0).podUid());
        } finally {
            kubelet.deactivate();
            fast.deactivate();
            other.deactivate();
            api.close();
        }
    }

    private static Pod pod(String nodeName, String name, String runtimeClass) {
        Container container = new Container();
        container.name = "app";
        container.image = "example/app:1.0";
        Pod pod = DockerNode.pod(name, container);
        pod.spec.nodeName = nodeName;
        pod.spec.runtimeClassName = runtimeClass;
        return pod;
    }

    private static boolean running(FakeApi api, String name) {
        Pod pod = api.get(ResourceKind.PODS, "default", name);
        return pod.status != null && "Running".equals(pod.status.phase);
    }

    private static String uid(FakeApi api, String name) {
        return api.get(ResourceKind.PODS, "default", name).metadata.uid;
    }
}
