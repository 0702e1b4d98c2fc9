package io.gantry.kubelet;

import io.gantry.api.Plugins;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.SharedInformers;
import io.gantry.api.runtime.ContainerRuntime;
import java.util.Map;

/**
 * A real kubelet in a benchmark's JVM, wired as Declarative Services wires it: on the API and the
 * shared informers, with one runtime plugin, and stopped by its deactivate method. It sits in the
 * kubelet's package because adding a runtime and deactivating are the OSGi runtime's calls
 * (package-private).
 */
public final class BenchKubelet implements AutoCloseable {

    private final Kubelet kubelet;

    public BenchKubelet(ApiClient api, SharedInformers informers, Kubelet.Config config, ContainerRuntime runtime,
            String runtimeName) {
        kubelet = new Kubelet(api, informers, config);
        kubelet.addRuntime(runtime, Map.of(Plugins.NAME, runtimeName));
    }

    @Override
    public void close() {
        kubelet.deactivate();
    }
}
