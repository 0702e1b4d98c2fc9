package io.gantry.kubelet;

import io.gantry.api.cluster.SoleLeader;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.TestControlPlane;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The kubectl test cluster ({@link KubectlCluster}: API server, kubelet on Docker) with a controller
 * manager of the given controllers, started before a test class and stopped after it.
 */
final class KubectlControllers implements BeforeAllCallback, AfterAllCallback {

    private final List<Controller.Factory> factories;
    private ControllerManager controllers;

    KubectlControllers(Controller.Factory... factories) {
        this.factories = List.of(factories);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        KubectlCluster.start();
        controllers = new ControllerManager(KubectlCluster.registry, KubectlCluster.informers, new SoleLeader(),
                TestControlPlane.config(), factories);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (controllers != null) {
            controllers.close();
        }
        KubectlCluster.stop();
    }
}
