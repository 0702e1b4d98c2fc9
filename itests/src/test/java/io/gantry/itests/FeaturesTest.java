package io.gantry.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.gantry.api.Plugins;
import io.gantry.api.client.ApiClient;
import io.gantry.api.lb.LoadBalancer;
import io.gantry.api.runtime.ContainerRuntime;
import io.gantry.api.scheduler.SchedulerPolicy;
import io.gantry.api.store.StorageBackend;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/** Gantry's features install into a plain Karaf, its bundles start, its services and API come up. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FeaturesTest extends GantryTestSupport {

    @Inject
    FeaturesService features;

    @Test
    public void allInOneInstallsEveryGantryFeature() throws Exception {
        for (String name : List.of("gantry-all-in-one", "gantry-control-plane", "gantry-node", "gantry-core",
                "gantry-api", "gantry-store-hazelcast", "gantry-scheduler-spread", "gantry-runtime-docker",
                "gantry-runtime-process", "gantry-proxy", "gantry-lb-roundrobin")) {
            assertTrue(name + " is installed", features.isInstalled(features.getFeature(name)));
        }
    }

    @Test
    public void everyGantryBundleIsActive() {
        List<String> expected = List.of("io.gantry.api", "io.gantry.cluster", "io.gantry.store.hazelcast",
                "io.gantry.apiserver", "io.gantry.scheduler", "io.gantry.scheduler.spread", "io.gantry.kubelet",
                "io.gantry.runtime.docker", "io.gantry.runtime.process", "io.gantry.shell", "io.gantry.client",
                "io.gantry.controllers", "io.gantry.proxy", "io.gantry.lb.roundrobin");
        List<String> found = new ArrayList<>();
        for (Bundle bundle : bundleContext.getBundles()) {
            if (bundle.getSymbolicName().startsWith("io.gantry.")) {
                found.add(bundle.getSymbolicName());
                // A bundle whose activation is lazy or slow may still be STARTING: wait for it.
                await().atMost(STARTUP).until(bundle::getState, state -> state != Bundle.STARTING);
                assertEquals(bundle.getSymbolicName() + " is ACTIVE", Bundle.ACTIVE, bundle.getState());
            }
        }
        assertTrue("all of " + expected + " are installed, found " + found, found.containsAll(expected));
    }

    @Test
    public void eachPluginRegistersUnderItsName() throws Exception {
        await().atMost(STARTUP).until(() -> plugin(StorageBackend.class, "hazelcast"));
        await().atMost(STARTUP).until(() -> plugin(SchedulerPolicy.class, "spread"));
        await().atMost(STARTUP).until(() -> plugin(ContainerRuntime.class, "docker"));
        await().atMost(STARTUP).until(() -> plugin(ContainerRuntime.class, "process"));
        await().atMost(STARTUP).until(() -> bundleContext.getServiceReference(ApiClient.class) != null);
        await().atMost(STARTUP).until(() -> plugin(LoadBalancer.class, "roundrobin"));
    }

    @Test
    public void apiAnswersDiscoveryAndListsTheDefaultNamespaces() {
        await().atMost(STARTUP).until(() -> api("GET", "/readyz", null).statusCode() == 200);
        HttpResponse<String> version = api("GET", "/version", null);
        assertEquals(200, version.statusCode());
        assertTrue(version.body(), version.body().contains("\"gitVersion\""));
        HttpResponse<String> resources = api("GET", "/api/v1", null);
        assertTrue(resources.body(), resources.body().contains("\"name\":\"pods\""));
        await().atMost(STARTUP).until(() -> api("GET", "/api/v1/namespaces/default", null).statusCode() == 200);
    }

    @Test
    public void shellListsTheNode() throws Exception {
        await().atMost(STARTUP).until(() -> shell("gantry:get nodes").contains(NODE));
        String table = shell("gantry:get nodes -o wide");
        assertTrue(table, table.startsWith("NAME "));
        assertTrue(table, table.contains("INTERNAL-IP"));
    }

    @Test
    public void shellListsEveryPluginAndUseNamesWhatIsInstalled() throws Exception {
        await().atMost(STARTUP).until(() -> shell("gantry:plugins").contains("process"));
        String table = shell("gantry:plugins");
        assertTrue(table, table.startsWith("SPI "));
        assertTrue(table, table.lines().anyMatch(line -> line.matches("runtime +docker +\\* +\\*")));
        assertTrue(table, table.lines().anyMatch(line -> line.matches("runtime +process")));
        assertTrue(table, table.lines().anyMatch(line -> line.matches("loadbalancer +roundrobin +\\* +\\*")));
        try {
            shell("gantry:use runtime containerd");
            fail("an unknown plugin is an error");
        } catch (Exception e) {
            assertTrue(String.valueOf(e.getMessage()), String.valueOf(e.getMessage())
                    .contains("no runtime plugin 'containerd' is installed (installed: docker, process)"));
        }
    }

    private boolean plugin(Class<?> spi, String name) throws Exception {
        return bundleContext.getServiceReferences(spi.getName(), "(" + Plugins.NAME + "=" + name + ")") != null;
    }
}
