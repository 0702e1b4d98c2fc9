package io.gantry.kubelet;

import static io.gantry.kubelet.DockerNode.bytes;
import static io.gantry.kubelet.DockerNode.container;
import static io.gantry.kubelet.DockerNode.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.ConfigMapKeySelector;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ContainerPort;
import io.gantry.api.core.v1.EnvFromSource;
import io.gantry.api.core.v1.EnvVar;
import io.gantry.api.core.v1.EnvVarSource;
import io.gantry.api.core.v1.ObjectFieldSelector;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodCondition;
import io.gantry.api.core.v1.ResourceRequirements;
import io.gantry.api.core.v1.SecretKeySelector;
import io.gantry.api.core.v1.SecurityContext;
import io.gantry.api.core.v1.Volume;
import io.gantry.api.core.v1.VolumeMount;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pods in full on the real Docker engine: several containers sharing the pod IP, init
 * containers, env from secrets, config maps and the downward API, every volume type, limits,
 * security context, image pull failures, and a pod that stays with its runtime.
 */
class PodLifecycleDockerTest {

    private DockerNode node;

    @BeforeEach
    void setUp() throws Exception {
        node = new DockerNode();
    }

    @AfterEach
    void tearDown() throws Exception {
        node.close();
    }

    @Test
    void aMultiContainerPodWithInitContainersEnvAndEveryVolumeType() throws Exception {
        node.secrets.put("default/db", Map.of("password", bytes("s3cret"), "user", bytes("admin")));
        node.configMaps.put("default/settings", Map.of("mode", bytes("fast"), "level", bytes("3")));
        java.nio.file.Path host = node.root.resolve("host-folder");

        Container init = container("prepare", "echo prepared > /shared/init.txt");
        init.volumeMounts = List.of(new VolumeMount("shared", "/shared"));

        Container web = container("web");
        web.ports = List.of(new ContainerPort(80));
        web.volumeMounts = List.of(new VolumeMount("shared", "/www/shared"));

        Container side = container("side", "env > /shared/env.txt; sleep 300");
        side.workingDir = "/shared";
        side.envFrom = List.of(envFromConfigMap("settings", "CFG_"));
        side.env = List.of(new EnvVar("EARLY", "$(POD_NAME) is not defined yet"),
                valueFrom("POD_NAME", source(field("metadata.name"))),
                new EnvVar("GREETING", "hello $(POD_NAME), $$(POD_NAME)"),
                valueFrom("POD_NAMESPACE", source(field("metadata.namespace"))),
                valueFrom("POD_IP", source(field("status.podIP"))),
                valueFrom("NODE_NAME", source(field("spec.nodeName"))),
                valueFrom("DB_PASSWORD", secretKey("db", "password")),
                valueFrom("MODE", configMapKey("settings", "mode")));
        side.resources = new ResourceRequirements();
        side.resources.limits = Map.of("cpu", "250m", "memory", "64Mi");
        side.volumeMounts = List.of(new VolumeMount("shared", "/shared"), new VolumeMount("memory", "/memory"),
                readOnly(new VolumeMount("db", "/etc/db")), new VolumeMount("settings", "/etc/settings"),
                new VolumeMount("info", "/etc/info"), new VolumeMount("host", "/host"));

        Pod pod = pod("full", web, side);
        pod.metadata.labels = Map.of("app", "full", "tier", "test");
        pod.spec.initContainers = List.of(init);
        Volume memory = new Volume("memory");
        memory.emptyDir = new Volume.EmptyDirVolumeSource();
        memory.emptyDir.medium = "Memory";
        Volume shared = new Volume("shared");
        shared.emptyDir = new Volume.EmptyDirVolumeSource();
        Volume db = new Volume("db");
        db.secret = new Volume.SecretVolumeSource();
        db.secret.secretName = "db";
        Volume settings = new Volume("settings");
        settings.configMap = new Volume.ConfigMapVolumeSource();
        settings.configMap.name = "settings";
        Volume.KeyToPath item = new Volume.KeyToPath("mode", "conf/mode.txt");
        item.mode = 0600;
        settings.configMap.items = List.of(item);
        Volume info = new Volume("info");
        info.downwardAPI = new Volume.DownwardAPIVolumeSource();
        Volume.DownwardAPIVolumeFile labels = new Volume.DownwardAPIVolumeFile();
        labels.path = "labels";
        labels.fieldRef = field("metadata.labels");
        info.downwardAPI.items = List.of(labels);
        Volume hostPath = new Volume("host");
        hostPath.hostPath = new Volume.HostPathVolumeSource();
        hostPath.hostPath.path = host.toString();
        hostPath.hostPath.type = "DirectoryOrCreate";
        pod.spec.volumes = List.of(memory, shared, db, settings, info, hostPath);

        Pod created = node.create(pod);
        Pod running = node.await(created, Duration.ofSeconds(60), p -> "Running".equals(p.status.phase)
                && p.status.containerStatuses.stream().allMatch(c -> c.ready));

        String podIp = running.status.podIP;
        assertTrue(podIp.startsWith(node.podCidr.substring(0, node.podCidr.lastIndexOf('.'))), podIp);
        assertEquals("127.0.0.1", running.status.hostIP);
        assertEquals("Burstable", running.status.qosClass);
        for (String type : List.of("PodScheduled", "Initialized", "ContainersReady", "Ready")) {
            assertEquals("True", condition(running, type).status, type);
        }
        assertEquals("Completed", running.status.initContainerStatuses.get(0).state.terminated.reason);
        assertTrue(running.status.containerStatuses.get(0).containerID.startsWith("docker://"));
        assertTrue(running.status.containerStatuses.get(0).imageID.startsWith("sha256:"));

        // both containers share the pod IP: web serves on it what side and the init container wrote
        // (Ready without a readiness probe means started, not listening: ask until httpd answers)
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest initTxt = HttpRequest.newBuilder(URI.create("http://" + podIp + "/shared/init.txt"))
                .timeout(Duration.ofSeconds(2)).build();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(
                () -> assertEquals("prepared\n", http.send(initTxt, HttpResponse.BodyHandlers.ofString()).body()));

        // side writes its environment when it starts, which may be just after Ready
        String env = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> node.exec(running, "side", "cat", "/shared/env.txt"), out -> out.contains("CFG_level="));
        for (String expected : List.of("EARLY=$(POD_NAME) is not defined yet", "GREETING=hello full, $(POD_NAME)", "POD_NAME=full", "POD_NAMESPACE=default", "POD_IP=" + podIp,
                "NODE_NAME=" + node.name, "DB_PASSWORD=s3cret", "MODE=fast", "CFG_mode=fast", "CFG_level=3")) {
            assertTrue(env.lines().anyMatch(expected::equals), expected + " in\n" + env);
        }
        assertEquals("/shared", node.exec(running, "side", "pwd").trim());
        assertEquals("s3cret", node.exec(running, "side", "cat", "/etc/db/password"));
        assertEquals("fast", node.exec(running, "side", "cat", "/etc/settings/conf/mode.txt"));
        assertEquals("600", node.exec(running, "side", "stat", "-L", "-c", "%a", "/etc/settings/conf/mode.txt").trim());
        assertEquals("app=\"full\"\ntier=\"test\"", node.exec(running, "side", "cat", "/etc/info/labels"));
        assertEquals("tmpfs", node.exec(running, "side", "sh", "-c", "grep ' /memory ' /proc/mounts | cut -d' ' -f3").trim());
        node.exec(running, "side", "sh", "-c", "echo from-pod > /host/out.txt");
        assertEquals("from-pod\n", Files.readString(host.resolve("out.txt")));
        assertNotEquals(0, node.runtime.exec(node.running(running, "side").id(), List.of("touch", "/etc/db/x"),
                Duration.ofSeconds(5)).exitCode(), "secret volumes are read-only");

        // a changed secret reaches the mounted file
        node.secrets.put("default/db", Map.of("password", bytes("rotated"), "user", bytes("admin")));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> node.exec(running, "side", "cat", "/etc/db/password").equals("rotated"));
    }

    @Test
    void limitsAndSecurityContextAreEnforced() throws Exception {
        Container limited = container("limited", "sleep 300");
        limited.resources = new ResourceRequirements();
        limited.resources.limits = Map.of("cpu", "500m", "memory", "32Mi");
        limited.securityContext = new SecurityContext();
        limited.securityContext.runAsUser = 1234L;
        limited.securityContext.readOnlyRootFilesystem = true;
        Pod pod = node.create(pod("limited", limited));
        Pod running = node.await(pod, Duration.ofSeconds(30), p -> "Running".equals(p.status.phase));
        assertEquals("Guaranteed", running.status.qosClass);
        assertEquals("1234", node.exec(running, "limited", "id", "-u").trim());
        assertNotEquals(0, node.runtime.exec(node.running(running, "limited").id(), List.of("touch", "/x"),
                Duration.ofSeconds(5)).exitCode(), "the root file system is read-only");
        String id = node.running(running, "limited").id();
        assertEquals("500000000 33554432", docker("inspect", "-f", "{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}}", id));
    }

    @Test
    void missingSecretsAndImagesSayWhy() {
        Container secretive = container("secretive", "sleep 300");
        secretive.env = List.of(valueFrom("TOKEN", secretKey("absent", "token")));
        Container never = container("never");
        never.image = "gantry/absent-image:1";
        never.imagePullPolicy = "Never";
        Container pulled = container("pulled");
        pulled.image = "127.0.0.1:1/gantry/absent-image:1"; // a registry on loopback that does not answer
        pulled.imagePullPolicy = "IfNotPresent";
        Pod pod = node.create(pod("broken", secretive, never, pulled));
        Pod waiting = node.await(pod, Duration.ofSeconds(30), p -> p.status.containerStatuses != null
                && waitingReason(p, 0).equals("CreateContainerConfigError") && waitingReason(p, 1).equals("ErrImageNeverPull")
                && List.of("ErrImagePull", "ImagePullBackOff").contains(waitingReason(p, 2)));
        assertEquals("secret \"absent\" not found", waiting.status.containerStatuses.get(0).state.waiting.message);
        assertEquals("Container image \"gantry/absent-image:1\" is not present with pull policy of Never",
                waiting.status.containerStatuses.get(1).state.waiting.message);
        assertEquals("Pending", waiting.status.phase);
        node.await(pod, Duration.ofSeconds(30), p -> waitingReason(p, 2).equals("ImagePullBackOff"));

        // the secret appears: the container starts
        node.secrets.put("default/absent", Map.of("token", bytes("t")));
        node.await(pod, Duration.ofSeconds(30), p -> p.status.containerStatuses.get(0).state.running != null);
    }

    @Test
    void aPodStaysWithItsRuntimeWhenTheKubeletRestartsWithAnotherDefault() {
        Pod pod = node.create(pod("sticky", container("app", "sleep 300")));
        Pod running = node.await(pod, Duration.ofSeconds(30), p -> "Running".equals(p.status.phase));
        String before = node.running(running, "app").id();

        node.stopKubelet();
        // only the new kubelet's report brings them back: the wait below cannot pass on an old one
        Pod unreported = node.get(running);
        unreported.status.containerStatuses = null;
        node.api.updateStatus(ResourceKind.PODS, unreported);
        node.config.defaultRuntime = "elsewhere";
        node.start();
        Pod after = node.await(running, Duration.ofSeconds(30), p -> p.status.containerStatuses != null
                && p.status.containerStatuses.get(0).state.running != null);
        assertEquals(before, node.running(after, "app").id(), "the pod was not started again");
        assertEquals(1, node.runtime.listPodSandboxes(node.name).size());
        assertEquals("Running", after.status.phase);
    }

    @Test
    void aPodWhoseSandboxDiedStartsOverInANewOneAndTheOldIsRemoved() throws Exception {
        // two containers: the pod has a sandbox container of its own
        Pod phoenix = pod("phoenix", container("app", "sleep 300"), container("side", "sleep 300"));
        phoenix.spec.terminationGracePeriodSeconds = 1L; // sleep as PID 1 ignores SIGTERM: it is killed after 1 s
        Pod pod = node.create(phoenix);
        Pod running = node.await(pod, Duration.ofSeconds(30), p -> "Running".equals(p.status.phase));
        var first = node.runtime.listPodSandboxes(node.name);
        assertEquals(1, first.size());

        docker("kill", first.get(0).id());
        Pod again = node.await(pod, Duration.ofSeconds(30), p -> p.status.containerStatuses.get(0).restartCount == 1
                && p.status.containerStatuses.get(0).state.running != null);
        var sandboxes = node.runtime.listPodSandboxes(node.name);
        assertEquals(1, sandboxes.size(), "the dead sandbox is removed");
        assertNotEquals(first.get(0).id(), sandboxes.get(0).id());
        assertEquals(1, sandboxes.get(0).attempt());
        assertEquals(running.status.podIP, again.status.podIP, "the pod keeps its IP");
    }

    @Test
    void aPodWhoseSandboxCouldNotStartTriesAgainInANewOne() throws Exception {
        // two containers: the pod has a sandbox container of its own, which publishes the port
        Pod running = runsOnceItsPortIsFree(container("side", "sleep 300"));
        // one start failed per sandbox that could not start: as many as the kubelet tried while the port was taken
        var sandboxes = node.runtime.listPodSandboxes(node.name);
        assertEquals(1, sandboxes.size(), "the sandbox that could not start is removed");
        assertTrue(sandboxes.get(0).attempt() > 0, "a new sandbox: " + sandboxes.get(0));
        assertEquals(2, running.status.containerStatuses.size());
    }

    @Test
    void aOneContainerPodWhosePortIsTakenStartsOnceItIsFree() throws Exception {
        runsOnceItsPortIsFree();
        var sandboxes = node.runtime.listPodSandboxes(node.name);
        assertEquals(1, sandboxes.size());
        assertEquals(0, sandboxes.get(0).attempt(), "the container restarted in its sandbox: " + sandboxes.get(0));
    }

    /**
     * A pod of web (publishing a port) and the others, created while that port is taken on the pod IP:
     * it reports the failure, and runs once the port is free.
     */
    private Pod runsOnceItsPortIsFree(Container... others) throws Exception {
        String[] range = node.podCidr.split("/")[0].split("\\.");
        String firstIp = range[0] + "." + range[1] + "." + range[2] + ".2"; // the first pod's address
        Pod pod;
        try (java.net.ServerSocket squatter = squat(java.net.InetAddress.getByName(firstIp))) {
            Container web = container("web");
            web.ports = List.of(new ContainerPort(squatter.getLocalPort()));
            List<Container> containers = new ArrayList<>(List.of(web));
            containers.addAll(List.of(others));
            pod = node.create(pod("blocked", containers.toArray(Container[]::new)));
            // the start error shows while the kubelet tries again: first as RunContainerError, then as the
            // message of the container that could not run (ContainerCannotRun), in CrashLoopBackOff
            node.await(pod, Duration.ofSeconds(30), p -> !p.status.containerStatuses.isEmpty()
                    && startError(p.status.containerStatuses.get(0)).contains("address already in use"));
        }
        // the phase says Running from the first failure on (a container that could not run is restarted,
        // as in Kubernetes): the container's own state tells when it runs
        Pod running = node.await(pod, Duration.ofSeconds(30), p -> p.status.containerStatuses.get(0).state.running != null);
        assertEquals(firstIp, running.status.podIP);
        assertTrue(running.status.containerStatuses.get(0).restartCount >= 1,
                io.gantry.api.json.Json.write(running.status));
        return running;
    }

    /**
     * A socket on the first port from 8080 up that it can have on that address: a server of the host
     * listening on every address (0.0.0.0:8080) would take the port from the pod as well, and for good.
     */
    private static java.net.ServerSocket squat(java.net.InetAddress address) throws java.io.IOException {
        for (int port = 8080; ; port++) {
            try {
                return new java.net.ServerSocket(port, 1, address);
            } catch (java.net.BindException taken) {
                if (port == 8180) {
                    throw taken;
                }
            }
        }
    }

    @Test
    void aOneContainerPodIsOneContainerThatKeepsThePodsNetworkWhenItRestarts() throws Exception {
        Container web = container("web");
        web.ports = List.of(new ContainerPort(80));
        Pod pod = node.create(pod("single", web));
        Pod running = node.await(pod, Duration.ofSeconds(30), p -> "Running".equals(p.status.phase));
        String podIp = running.status.podIP;
        awaitHttp(podIp);
        assertEquals(1, docker("ps", "-aq", "--filter", "label=io.gantry.pod.uid=" + running.metadata.uid).lines().count(),
                "no sandbox container beside the pod's one");
        assertEquals("single", node.exec(running, "web", "hostname").trim());
        var sandbox = node.runtime.listPodSandboxes(node.name);
        assertEquals(1, sandbox.size());

        docker("kill", node.running(running, "web").id());
        Pod again = node.await(pod, Duration.ofSeconds(30), p -> p.status.containerStatuses.get(0).restartCount == 1
                && p.status.containerStatuses.get(0).state.running != null);
        assertEquals(podIp, again.status.podIP, "the pod keeps its IP");
        awaitHttp(podIp);
        var after = node.runtime.listPodSandboxes(node.name);
        assertEquals(List.of(sandbox.get(0).id()), after.stream().map(s -> s.id()).toList(), "the same sandbox");
        assertEquals(0, after.get(0).attempt());
    }

    private static void awaitHttp(String podIp) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + podIp + ":80/")).timeout(Duration.ofSeconds(2)).build();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(
                () -> http.send(request, HttpResponse.BodyHandlers.ofString()).body().startsWith("hello from Gantry"));
    }

    private static String startError(io.gantry.api.core.v1.ContainerStatus status) {
        if (status.state.waiting != null && "RunContainerError".equals(status.state.waiting.reason)) {
            return status.state.waiting.message;
        }
        var last = status.lastState == null ? null : status.lastState.terminated;
        return last != null && "ContainerCannotRun".equals(last.reason) && last.message != null ? last.message : "";
    }

    static String waitingReason(Pod pod, int container) {
        var state = pod.status.containerStatuses.get(container).state;
        return state.waiting == null ? "" : String.valueOf(state.waiting.reason);
    }

    static PodCondition condition(Pod pod, String type) {
        return pod.status.conditions.stream().filter(c -> c.type.equals(type)).findFirst().orElseThrow();
    }

    private static VolumeMount readOnly(VolumeMount mount) {
        mount.readOnly = true;
        return mount;
    }

    private static EnvVar valueFrom(String name, EnvVarSource source) {
        EnvVar var = new EnvVar();
        var.name = name;
        var.valueFrom = source;
        return var;
    }

    private static EnvVarSource source(ObjectFieldSelector field) {
        EnvVarSource source = new EnvVarSource();
        source.fieldRef = field;
        return source;
    }

    private static ObjectFieldSelector field(String path) {
        return new ObjectFieldSelector(path);
    }

    private static EnvVarSource secretKey(String name, String key) {
        EnvVarSource source = new EnvVarSource();
        source.secretKeyRef = new SecretKeySelector(name, key);
        return source;
    }

    private static EnvVarSource configMapKey(String name, String key) {
        EnvVarSource source = new EnvVarSource();
        source.configMapKeyRef = new ConfigMapKeySelector(name, key);
        return source;
    }

    private static EnvFromSource envFromConfigMap(String name, String prefix) {
        EnvFromSource source = new EnvFromSource();
        source.prefix = prefix;
        source.configMapRef = new EnvFromSource.ConfigMapEnvSource();
        source.configMapRef.name = name;
        return source;
    }

    static String docker(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes()).trim();
        process.waitFor();
        return output;
    }
}
