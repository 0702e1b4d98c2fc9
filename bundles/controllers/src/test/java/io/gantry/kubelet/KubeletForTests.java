package io.gantry.kubelet;

import io.gantry.api.Plugins;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.SharedInformers;
import io.gantry.api.runtime.ContainerRuntime;
import java.lang.reflect.Proxy;
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
        Kubelet.Config config = (Kubelet.Config) Proxy.newProxyInstance(Kubelet.Config.class.getClassLoader(),
                new Class<?>[] {Kubelet.Config.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> Kubelet.Config.class;
                    case "toString" -> "kubelet config " + settings;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> settings.getOrDefault(method.getName(), method.getDefaultValue());
                });
        kubelet = new Kubelet(api, informers, config);
        kubelet.addRuntime(runtime, Map.of(Plugins.NAME, runtimeName));
    }

    @Override
    public void close() {
        kubelet.deactivate();
    }
}
