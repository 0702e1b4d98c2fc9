package io.gantry.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.EnvFromSource;
import io.gantry.api.core.v1.EnvVar;
import io.gantry.api.core.v1.EnvVarSource;
import io.gantry.api.core.v1.ObjectFieldSelector;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.ResourceFieldSelector;
import io.gantry.api.core.v1.ResourceRequirements;
import io.gantry.api.core.v1.SecretKeySelector;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A container's environment as Kubernetes builds it. */
class ContainerEnvTest {

    private final ConfigSource config = new ConfigSource() {
        @Override
        public Map<String, byte[]> secret(String namespace, String name) {
            return name.equals("db") ? Map.of("password", "pw".getBytes(StandardCharsets.UTF_8)) : null;
        }

        @Override
        public Map<String, byte[]> configMap(String namespace, String name) {
            return name.equals("cm") ? Map.of("A", "from-map".getBytes(StandardCharsets.UTF_8)) : null;
        }
    };

    @Test
    void envOverridesEnvFromAndExpandsEarlierVariables() {
        Container container = Fixtures.container("c");
        EnvFromSource from = new EnvFromSource();
        from.configMapRef = new EnvFromSource.ConfigMapEnvSource();
        from.configMapRef.name = "cm";
        container.envFrom = List.of(from);
        container.env = List.of(new EnvVar("A", "literal"), new EnvVar("B", "$(A)-$(MISSING)-$$(A)"));
        Map<String, String> env = new ContainerEnv(Fixtures.pod("Always"), config, "127.1.0.2", "127.0.0.1", Map.of()).of(container);
        assertEquals("literal", env.get("A"));
        assertEquals("literal-$(MISSING)-$(A)", env.get("B"));
        assertEquals(List.of("echo", "literal"), ContainerEnv.expand(List.of("echo", "$(A)"), env));
    }

    @Test
    void missingSourcesFailUnlessOptional() {
        Container container = Fixtures.container("c");
        EnvVar token = new EnvVar();
        token.name = "TOKEN";
        token.valueFrom = new EnvVarSource();
        token.valueFrom.secretKeyRef = new SecretKeySelector("db", "token");
        container.env = List.of(token);
        ContainerEnv envs = new ContainerEnv(Fixtures.pod("Always"), config, null, null, Map.of());
        PodSetupException e = assertThrows(PodSetupException.class, () -> envs.of(container));
        assertEquals("couldn't find key token in Secret default/db", e.getMessage());
        token.valueFrom.secretKeyRef.optional = true;
        assertFalse(envs.of(container).containsKey("TOKEN"));
    }

    @Test
    void downwardApiFieldsAndResources() {
        Pod pod = Fixtures.pod("Always", "c");
        pod.metadata.labels = Map.of("app", "web");
        pod.spec.nodeName = "node-1";
        Container container = pod.spec.containers.get(0);
        container.resources = new ResourceRequirements();
        container.resources.limits = Map.of("memory", "64Mi");
        EnvVar label = field("APP", "metadata.labels['app']");
        EnvVar memory = new EnvVar();
        memory.name = "MEMORY_MI";
        memory.valueFrom = new EnvVarSource();
        memory.valueFrom.resourceFieldRef = new ResourceFieldSelector();
        memory.valueFrom.resourceFieldRef.resource = "limits.memory";
        memory.valueFrom.resourceFieldRef.divisor = "1Mi";
        EnvVar cpu = new EnvVar();
        cpu.name = "CPU";
        cpu.valueFrom = new EnvVarSource();
        cpu.valueFrom.resourceFieldRef = new ResourceFieldSelector();
        cpu.valueFrom.resourceFieldRef.resource = "limits.cpu";
        container.env = List.of(field("NAME", "metadata.name"), field("IP", "status.podIP"), field("NODE", "spec.nodeName"),
                field("HOST", "status.hostIP"), label, memory, cpu);
        Map<String, String> env = new ContainerEnv(pod, config, "127.1.0.2", "127.0.0.1", Map.of("cpu", "1500m")).of(container);
        assertEquals(Map.of("NAME", "web", "IP", "127.1.0.2", "NODE", "node-1", "HOST", "127.0.0.1", "APP", "web",
                "MEMORY_MI", "64", "CPU", "2"), env, "an unset cpu limit is the node's allocatable, rounded up to cores");
    }

    private static EnvVar field(String name, String path) {
        EnvVar var = new EnvVar();
        var.name = name;
        var.valueFrom = new EnvVarSource();
        var.valueFrom.fieldRef = new ObjectFieldSelector(path);
        return var;
    }
}
