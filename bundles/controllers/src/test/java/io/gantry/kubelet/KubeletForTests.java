package io.gantry.kubelet;

import io.gantry.api.Configs;
import io.gantry.api.Plugins;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.SharedInformers;
import io.gantry.api.runtime.ContainerRuntime;
import java.util.Map;

/**
 * A real kubelet for other bundles' tests: started on an API and informers with one runtime, as
 * Declarative Services would wire it, and stopped. Its configuration is the defaults with the
 * given values instead, so a setting added to the kubelet does not break these tests.
 */
public final class KubeletForTests implements AutoCloseable {

    private final Kubelet kubelet;

    public KubeletForTests(ApiClient api, SharedInformers informers, ContainerRuntime runtime, String runtimeName,
            Map<String, Object> settings) {
        kubelet = new Kubelet(api, informers, Configs.of(Kubelet.Config.class, settings));
        kubelet.addRuntime(runtime, Map.of(Plugins.NAME, runtimeName));
    }

    @Override
    public void close() {
        kubelet.deactivate();
    }
}
