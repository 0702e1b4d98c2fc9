package io.gantry.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.gantry.api.Plugins;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Event;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeStatus;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.scheduler.SchedulerPolicy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.karaf.features.FeaturesService;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

/**
 * A live swap of scheduler policies while pods keep arriving: the binpack policy's feature is
 * installed, made the default, uninstalled and installed again, and the default set back, as a
 * user does it in the shell; every pod that arrived meanwhile (naming default-scheduler or
 * binpack) ends up bound exactly once. The pods go to a node of their own that no kubelet runs,
 * so that nothing starts.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SchedulerPolicySwapTest extends GantryTestSupport {

    private static final String SWAP_NODE = "swap-node";
    private static final String LABEL = "swap-test";

    @After
    public void cleanUp() {
        ApiClient api = api();
        for (Pod pod : api.list(ResourceKind.PODS, "default", ListOptions.labels(LABEL + "=true")).items) {
            api.delete(ResourceKind.PODS, "default", pod.metadata.name, DeleteOptions.immediately());
        }
        api.find(ResourceKind.NODES, null, SWAP_NODE).ifPresent(n -> api.delete(ResourceKind.NODES, null, SWAP_NODE, null));
    }

    private interface FeaturesCall {
        void on(FeaturesService features) throws Exception;
    }

    /**
     * A call on the features service as it is at that moment: Karaf may replace the service while
     * the container finishes starting, and a replaced one refuses work (its executor is shut down).
     */
    private void features(FeaturesCall call) {
        await().atMost(STARTUP).ignoreException(RejectedExecutionException.class).until(() -> {
            ServiceReference<FeaturesService> reference = bundleContext.getServiceReference(FeaturesService.class);
            FeaturesService features = reference == null ? null : bundleContext.getService(reference);
            if (features == null) {
                return false;
            }
            call.on(features);
            return true;
        });
    }

    @Test
    public void podsArrivingDuringAPolicySwapAreEachBoundOnce() throws Exception {
        await().atMost(STARTUP).until(() -> bundleContext.getServiceReference(ApiClient.class) != null);
        ApiClient api = api();
        node(api);
        // as feature:install does (the test's shell session lacks the admin role that command needs)
        features(f -> f.installFeature("gantry-scheduler-binpack"));
        await().atMost(STARTUP).until(() -> policy("binpack"));

        AtomicBoolean arriving = new AtomicBoolean(true);
        AtomicInteger created = new AtomicInteger();
        Thread writer = new Thread(() -> {
            while (arriving.get()) {
                int i = created.getAndIncrement();
                api.create(ResourceKind.PODS, pod("swap-" + i, i % 2 == 0 ? null : "binpack"));
                try {
                    Thread.sleep(20); // pacing, not synchronisation: about 50 pods a second keep arriving
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "swap-test-writer");
        writer.start();
        try {
            awaitCreated(created, 20);
            shell("gantry:use scheduler binpack");
            awaitCreated(created, 40);
            features(f -> f.uninstallFeature("gantry-scheduler-binpack"));
            await().atMost(STARTUP).until(() -> !policy("binpack"));
            awaitCreated(created, 60);
            features(f -> f.installFeature("gantry-scheduler-binpack"));
            await().atMost(STARTUP).until(() -> policy("binpack"));
            awaitCreated(created, 80);
            shell("gantry:use scheduler spread");
            awaitCreated(created, 100);
        } finally {
            arriving.set(false);
            writer.join(Duration.ofSeconds(30).toMillis());
        }

        int pods = created.get();
        await().atMost(STARTUP).until(() -> api.list(ResourceKind.PODS, "default", ListOptions.labels(LABEL + "=true")).items
                .stream().filter(p -> SWAP_NODE.equals(p.spec.nodeName)).count() == pods);
        Map<String, Integer> scheduled = new HashMap<>();
        await().atMost(STARTUP).until(() -> {
            scheduled.clear();
            for (Event event : api.list(ResourceKind.EVENTS, "default", ListOptions.ALL).items) {
                if ("Scheduled".equals(event.reason) && event.involvedObject.name.startsWith("swap-")) {
                    scheduled.merge(event.involvedObject.name, event.count == null ? 1 : event.count, Integer::sum);
                }
            }
            return scheduled.size() == pods;
        });
        assertTrue("each pod scheduled once: " + scheduled, scheduled.values().stream().allMatch(count -> count == 1));
        assertEquals(pods, scheduled.size());
    }

    private void awaitCreated(AtomicInteger created, int atLeast) {
        await().atMost(STARTUP).until(() -> created.get() >= atLeast);
    }

    private boolean policy(String name) throws Exception {
        return bundleContext.getServiceReferences(SchedulerPolicy.class.getName(), "(" + Plugins.NAME + "=" + name + ")") != null;
    }

    private ApiClient api() {
        return bundleContext.getService(bundleContext.getServiceReference(ApiClient.class));
    }

    /**
     * A node of room for every pod, without a kubelet: the cluster takes it as unreachable (no
     * member names it), so its status is written until it holds, and the pods tolerate its taints.
     */
    private static void node(ApiClient api) {
        Node node = new Node();
        node.metadata.name = SWAP_NODE;
        node.metadata.labels = Map.of("kubernetes.io/hostname", SWAP_NODE);
        api.create(ResourceKind.NODES, node);
        await().atMost(STARTUP).ignoreExceptionsInstanceOf(ApiException.class).until(() -> {
            Node current = api.get(ResourceKind.NODES, null, SWAP_NODE);
            if (current.status == null) {
                current.status = new NodeStatus();
            }
            current.status.allocatable = Map.of("cpu", "1000", "memory", "1000Gi", "pods", "100000");
            current.status.capacity = current.status.allocatable;
            api.updateStatus(ResourceKind.NODES, current);
            return true;
        });
    }

    private static Pod pod(String name, String schedulerName) {
        Pod pod = new Pod();
        pod.metadata.name = name;
        pod.metadata.namespace = "default";
        pod.metadata.labels = Map.of(LABEL, "true");
        pod.spec.schedulerName = schedulerName;
        pod.spec.nodeSelector = Map.of("kubernetes.io/hostname", SWAP_NODE);
        // every taint, the node's not-ready and unreachable ones included
        pod.spec.extra("tolerations", Json.mapper().createArrayNode().add(Json.mapper().createObjectNode()
                .put("operator", "Exists")));
        Container container = new Container();
        container.name = "main";
        container.image = "gantry/pause:1.0";
        pod.spec.containers.add(container);
        return pod;
    }
}
