package io.gantry.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.gantry.api.Daemons;
import io.gantry.api.Folders;
import io.gantry.api.Plugins;
import io.gantry.api.runtime.ContainerConfig;
import io.gantry.api.runtime.ContainerRuntime;
import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.ExecResult;
import io.gantry.api.runtime.ExecStreams;
import io.gantry.api.runtime.TerminalSizes;
import io.gantry.api.runtime.ImageUnavailableException;
import io.gantry.api.runtime.LogOptions;
import io.gantry.api.runtime.Mount;
import io.gantry.api.runtime.PortConnection;
import io.gantry.api.runtime.PortMapping;
import io.gantry.api.runtime.PullPolicy;
import io.gantry.api.runtime.RuntimeListing;
import io.gantry.api.runtime.RuntimeUnavailableException;
import io.gantry.api.runtime.SandboxConfig;
import io.gantry.api.runtime.SandboxStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs pods as Docker containers through docker-java. A pod's sandbox is a container of the
 * sandbox image that owns the pod's network and publishes its ports on the pod IP; the pod's
 * containers join that network. A pod of one container has no sandbox container: that container
 * holds the network itself ({@link SoloSandboxes}). Everything created carries this runtime's
 * labels (node, pod, attempt, the runtime handler), which are how it is found again after a
 * restart; beyond a cache of container inspections and the solo sandboxes not stopped the
 * runtime keeps no state. Changes arrive through the engine's event stream ({@link #watch}).
 */
@Component(service = ContainerRuntime.class, property = Plugins.NAME + "=" + DockerRuntime.NAME,
        configurationPid = DockerRuntime.PID)
@Designate(ocd = DockerRuntime.Config.class)
public class DockerRuntime implements ContainerRuntime {

    public static final String NAME = "docker";
    public static final String PID = "io.gantry.runtime.docker";
    // The labels this runtime puts on what it creates, and finds it again by. Only this package reads them.
    static final String NODE = "io.gantry.node";
    static final String POD_NAMESPACE = "io.gantry.pod.namespace";
    static final String POD_NAME = "io.gantry.pod.name";
    static final String POD_UID = "io.gantry.pod.uid";
    static final String POD_IP = "io.gantry.pod.ip";
    static final String SANDBOX = "io.gantry.sandbox";
    static final String SANDBOX_ATTEMPT = "io.gantry.sandbox.attempt";
    static final String SANDBOX_ID = "io.gantry.sandbox.id";
    static final String RUNTIME_HANDLER = "io.gantry.runtime";
    static final String CONTAINER_NAME = "io.gantry.container.name";
    static final String CONTAINER_ATTEMPT = "io.gantry.container.attempt";

    private static final Logger LOG = LoggerFactory.getLogger(DockerRuntime.class);
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    /** How often a terminal size is offered to a command the engine may not have started yet. */
    private static final int RESIZE_ATTEMPTS = 20;

    @ObjectClassDefinition(name = "Gantry Docker runtime")
    public @interface Config {

        @AttributeDefinition(description = "Address of the Docker engine")
        String dockerHost() default "unix:///var/run/docker.sock";

        @AttributeDefinition(description = "Image of pod sandboxes (built by examples/images/build.sh)")
        String sandboxImage() default "gantry/pause:1.0";

        @AttributeDefinition(description = "Seconds to wait for an image pull")
        int pullTimeoutSeconds() default 300;

        @AttributeDefinition(description = "Whether missing images are pulled from a registry; off, only images "
                + "present on the node run (for machines that reach no registry, and for tests)")
        boolean pullImages() default true;

        @AttributeDefinition(description = "Whether the container of a one-container pod holds the pod's network "
                + "itself, without a sandbox container: one container start per pod instead of two")
        boolean soloSandboxes() default true;

        @AttributeDefinition(description = "Whether pods reach, from inside their containers, the cluster IPs of "
                + "services and other pods' IPs, which are inside 127.0.0.0/8 on the host's loopback: each pod's "
                + "network routes them to the host through the bridge (root, nftables)")
        boolean podLoopback() default true;
    }

    private final Config config;
    private final DockerClient docker;
    /** Engine calls made since activation: what an idle node costs the engine. */
    private final AtomicLong calls = new AtomicLong();
    /** The last inspect of each container, with the list state it was taken at: re-read only on change. */
    private final Map<String, ContainerStatus> inspected = new ConcurrentHashMap<>();
    /** Sandboxes being started, and the sandbox of each container created but not started yet. */
    private final Map<String, CompletableFuture<Void>> sandboxStarts = new ConcurrentHashMap<>();
    private final Map<String, String> containerSandboxes = new ConcurrentHashMap<>();
    private final ExecutorService starter = Daemons.pool("gantry-docker-sandbox-start", Duration.ofSeconds(5));
    private final SoloSandboxes solos = new SoloSandboxes();
    /** The host made ready for pods to reach loopback addresses, once tried; null where it cannot be. */
    private PodLoopback loopback;
    private boolean loopbackTried;
    /**
     * Where memory volumes live, one folder per sandbox: on the host's /dev/shm, so that they outlive
     * the pod's containers (a tmpfs Docker volume is unmounted, its files lost, once no container runs
     * with it); null without one, and the volumes are Docker's.
     */
    private final Path memoryRoot;
    /** The host's static busybox, which waits in a one-container pod for its routes; null without one. */
    private final Path busybox = PodLoopback.staticBusybox();

    @Activate
    public DockerRuntime(Config config) {
        this.config = config;
        DefaultDockerClientConfig clientConfig = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(config.dockerHost())
                .build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(clientConfig.getDockerHost())
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofMinutes(10))
                .build();
        this.docker = DockerClientImpl.getInstance(clientConfig, http);
        Path shm = Path.of("/dev/shm");
        this.memoryRoot = Files.isDirectory(shm) && Files.isWritable(shm) ? shm.resolve("gantry-docker") : null;
    }

    @Deactivate
    void deactivate() throws IOException {
        starter.shutdown();
        docker.close();
    }

    /** The number of Docker engine calls this runtime made so far (a streaming call counts once). */
    public long apiCalls() {
        return calls.get();
    }

    @Override
    public String version() {
        return "docker://" + call(() -> docker.versionCmd().exec().getVersion());
    }

    @Override
    public String runPodSandbox(SandboxConfig sandbox) {
        if (sandbox.soleContainer() && config.soloSandboxes()) {
            return solos.create(sandbox);
        }
        Map<String, String> labels = sandboxLabels(sandbox);
        labels.put(SANDBOX, "true");
        List<ExposedPort> exposed = exposed(sandbox);
        Ports bindings = bindings(sandbox);
        String name = "gantry_POD_" + sandbox.podName() + "_" + sandbox.namespace() + "_" + shortUid(sandbox.podUid())
                + "_" + sandbox.attempt();
        Supplier<CreateContainerCmd> command = () -> docker.createContainerCmd(config.sandboxImage())
                .withName(name)
                .withHostName(sandbox.hostname())
                .withLabels(labels)
                .withExposedPorts(exposed)
                .withHostConfig(HostConfig.newHostConfig().withPortBindings(bindings).withIpcMode("shareable"));
        String id;
        try {
            id = create(name, command);
        } catch (NotFoundException noImage) {
            // the sandbox image is checked only when it is missing: one call less per pod start
            ensureImage(config.sandboxImage(), PullPolicy.IF_NOT_PRESENT);
            id = create(name, command);
        }
        String created = id;
        // the sandbox starts (network, port proxies) while the kubelet creates the pod's containers
        sandboxStarts.put(id, CompletableFuture.runAsync(() -> {
            call(() -> docker.startContainerCmd(created).exec());
            routeLoopback(created, false);
        }, starter));
        return id;
    }

    /** The sandbox's ports, to expose on the container that holds its network. */
    private static List<ExposedPort> exposed(SandboxConfig sandbox) {
        return sandbox.ports().stream().map(DockerRuntime::exposed).toList();
    }

    /** The sandbox's ports, published on the pod IP. */
    private static Ports bindings(SandboxConfig sandbox) {
        Ports bindings = new Ports();
        for (PortMapping mapping : sandbox.ports()) {
            bindings.bind(exposed(mapping), Ports.Binding.bindIpAndPort(mapping.hostIp(), mapping.hostPort()));
        }
        return bindings;
    }

    private static ExposedPort exposed(PortMapping mapping) {
        return "UDP".equalsIgnoreCase(mapping.protocol()) ? ExposedPort.udp(mapping.containerPort())
                : ExposedPort.tcp(mapping.containerPort());
    }

    @Override
    public PortConnection connect(String sandboxId, int port) throws IOException {
        String holder = sandboxId;
        if (SoloSandboxes.isSolo(sandboxId)) {
            // the network is the pod's container's, while it runs
            holder = list(Map.of(SANDBOX_ID, sandboxId)).stream().filter(c -> "running".equals(c.getState()))
                    .map(Container::getId).findFirst()
                    .orElseThrow(() -> new IOException("the container of the pod's sandbox " + sandboxId
                            + " is not running"));
        }
        String inspectedId = holder;
        InspectContainerResponse sandbox;
        try {
            sandbox = call(() -> docker.inspectContainerCmd(inspectedId).exec());
        } catch (NotFoundException gone) {
            throw new IOException("the pod's sandbox " + sandboxId + " is gone");
        }
        Long pid = sandbox.getState() == null ? null : sandbox.getState().getPidLong();
        if (pid == null || pid <= 0) {
            throw new IOException("the pod's sandbox " + sandboxId + " is not running");
        }
        return NamespacePort.open(pid, port);
    }

    @Override
    public void stopPodSandbox(String sandboxId) {
        if (SoloSandboxes.isSolo(sandboxId)) {
            solos.stop(sandboxId);
            for (Container container : list(Map.of(SANDBOX_ID, sandboxId))) {
                if ("running".equals(container.getState())) {
                    stopContainer(container.getId(), Duration.ZERO); // as a sandbox's stop stops its processes
                }
            }
            return;
        }
        CompletableFuture<Void> starting = sandboxStarts.remove(sandboxId);
        if (starting != null) {
            starting.exceptionally(failed -> null).join(); // stop what has started, not what is starting
        }
        stopContainer(sandboxId, Duration.ZERO);
    }

    @Override
    public void removePodSandbox(String sandboxId) {
        if (SoloSandboxes.isSolo(sandboxId)) {
            for (Container container : list(Map.of(SANDBOX_ID, sandboxId))) {
                removeContainer(container.getId()); // left by a kubelet that stopped midway: they would bring it back
            }
            solos.remove(sandboxId);
        } else {
            removeContainer(sandboxId);
        }
        if (memoryRoot != null) {
            try {
                Folders.delete(memoryRoot.resolve(sandboxId));
            } catch (IOException e) {
                LOG.warn("Cannot delete the memory volumes of sandbox {}: {}", sandboxId, e.toString());
            }
            return;
        }
        try {
            var volumes = call(() -> docker.listVolumesCmd().withFilter("label", List.of(SANDBOX_ID + "=" + sandboxId)).exec());
            if (volumes.getVolumes() != null) {
                for (var volume : volumes.getVolumes()) {
                    call(() -> docker.removeVolumeCmd(volume.getName()).exec());
                }
            }
        } catch (NotFoundException | ConflictException e) {
            LOG.debug("Cannot remove the volumes of sandbox {}: {}", sandboxId, e.getMessage());
        }
    }

    @Override
    public List<SandboxStatus> listPodSandboxes(String nodeName) {
        return sandboxes(nodeName, list(Map.of(NODE, nodeName)));
    }

    /** Sandboxes and containers from one list of the node's containers: one engine call per relist. */
    @Override
    public RuntimeListing list(String nodeName) {
        List<Container> listed = list(Map.of(NODE, nodeName));
        return new RuntimeListing(sandboxes(nodeName, listed), containers(listed));
    }

    /** The sandboxes in a list of the node's containers: sandbox containers, and solo sandboxes. */
    private List<SandboxStatus> sandboxes(String nodeName, List<Container> listed) {
        List<SandboxStatus> sandboxes = new ArrayList<>();
        for (Container container : listed) {
            Map<String, String> labels = labels(container);
            if (labels.containsKey(SANDBOX)) {
                sandboxes.add(sandboxStatus(container.getId(), labels, "running".equals(container.getState()),
                        Instant.ofEpochSecond(container.getCreated())));
            }
        }
        sandboxes.addAll(solos.list(nodeName, listed));
        return sandboxes;
    }

    @Override
    public void ensureImage(String image, PullPolicy policy) {
        boolean present = isPresent(image);
        if (policy == PullPolicy.NEVER) {
            if (!present) {
                throw new ImageUnavailableException("Container image \"" + image + "\" is not present with pull policy of Never", null);
            }
            return;
        }
        if (present && (policy == PullPolicy.IF_NOT_PRESENT || !config.pullImages())) {
            return;
        }
        if (!config.pullImages()) {
            throw new ImageUnavailableException("image " + image + " is not present on the node, and pulling is off "
                    + "(pullImages=false in " + PID + ".cfg): build images locally, as examples/images/build.sh does", null);
        }
        try {
            pull(image);
        } catch (RuntimeUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            if (present) {
                LOG.warn("Cannot pull image {} ({}); using the copy on the node", image, e.getMessage());
                return;
            }
            throw new ImageUnavailableException("failed to pull image \"" + image + "\": " + e.getMessage()
                    + " (no registry may be reachable: build images locally, as examples/images/build.sh does)", e);
        }
    }

    @Override
    public String createContainer(String sandboxId, ContainerConfig container, SandboxConfig sandbox) {
        List<String> env = new ArrayList<>();
        container.env().forEach((key, value) -> env.add(key + "=" + value));
        boolean solo = SoloSandboxes.isSolo(sandboxId);
        HostConfig host = solo ? HostConfig.newHostConfig().withPortBindings(bindings(sandbox))
                : HostConfig.newHostConfig().withNetworkMode("container:" + sandboxId).withIpcMode("container:" + sandboxId);
        if (container.milliCpuLimit() > 0) {
            host.withNanoCPUs(container.milliCpuLimit() * 1_000_000L);
        }
        if (container.memoryLimitBytes() > 0) {
            host.withMemory(container.memoryLimitBytes()).withMemorySwap(container.memoryLimitBytes());
        }
        if (container.readOnlyRootFilesystem()) {
            host.withReadonlyRootfs(true);
        }
        List<com.github.dockerjava.api.model.Mount> mounts = new ArrayList<>();
        for (Mount mount : container.mounts() == null ? List.<Mount>of() : container.mounts()) {
            mounts.add(mount(sandboxId, mount));
        }
        List<String> waited = solo ? waitingForRoutes(container) : List.of();
        List<String> entrypoint = waited.isEmpty() ? container.command() : PodLoopback.waitingEntrypoint();
        List<String> arguments = waited.isEmpty() ? container.args() : waited;
        if (!waited.isEmpty()) {
            mounts.add(new com.github.dockerjava.api.model.Mount().withType(MountType.BIND)
                    .withSource(busybox.toString()).withTarget(PodLoopback.WAITER).withReadOnly(true));
        }
        if (!mounts.isEmpty()) {
            host.withMounts(mounts);
        }
        Map<String, String> labels = podLabels(sandbox);
        labels.put(CONTAINER_NAME, container.name());
        labels.put(CONTAINER_ATTEMPT, String.valueOf(container.attempt()));
        if (solo) {
            labels.putAll(sandboxLabels(sandbox));
            labels.put(SANDBOX_ID, sandboxId);
        }
        String name = "gantry_" + container.name() + "_" + sandbox.podName() + "_" + sandbox.namespace() + "_"
                + shortUid(sandbox.podUid()) + "_" + container.attempt();
        String user = container.runAsUser() == null ? null
                : container.runAsUser() + (container.runAsGroup() == null ? "" : ":" + container.runAsGroup());
        Supplier<CreateContainerCmd> command = () -> {
            CreateContainerCmd create = docker.createContainerCmd(container.image())
                    .withName(name)
                    .withLabels(labels)
                    .withEnv(env)
                    .withHostConfig(host);
            if (solo) {
                create.withHostName(sandbox.hostname()).withExposedPorts(exposed(sandbox));
            }
            if (entrypoint != null && !entrypoint.isEmpty()) {
                create.withEntrypoint(entrypoint);
            }
            if (arguments != null && !arguments.isEmpty()) {
                create.withCmd(arguments);
            }
            if (container.workingDir() != null && !container.workingDir().isEmpty()) {
                create.withWorkingDir(container.workingDir());
            }
            if (user != null) {
                create.withUser(user);
            }
            if (container.stdin()) {
                // as Kubernetes' docker integration did: an open input that attach writes to
                create.withStdinOpen(true).withStdInOnce(container.stdinOnce());
            }
            if (container.tty()) {
                create.withTty(true);
            }
            return create;
        };
        String id;
        try {
            id = create(name, command);
        } catch (NotFoundException missing) {
            if (String.valueOf(missing.getMessage()).contains("No such image")) {
                throw new ImageUnavailableException("image " + container.image() + " is not present on the node", missing);
            }
            throw missing;
        }
        containerSandboxes.put(id, sandboxId);
        return id;
    }

    /**
     * A memory volume is a folder of the sandbox's on /dev/shm, writable by all as an emptyDir is, or
     * else a Docker volume on tmpfs; one per sandbox and name, so the pod's containers share it.
     */
    private com.github.dockerjava.api.model.Mount mount(String sandboxId, Mount mount) {
        var docked = new com.github.dockerjava.api.model.Mount().withTarget(mount.containerPath())
                .withReadOnly(mount.readOnly());
        if (mount.type() == Mount.Type.BIND) {
            return docked.withType(MountType.BIND).withSource(mount.source());
        }
        if (memoryRoot != null) {
            Path folder = memoryRoot.resolve(sandboxId).resolve(mount.source());
            try {
                Files.createDirectories(folder);
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create memory volume " + mount.source() + " in " + folder, e);
            }
            return docked.withType(MountType.BIND).withSource(folder.toString());
        }
        String sandbox = SoloSandboxes.isSolo(sandboxId) ? sandboxId
                : sandboxId.substring(0, Math.min(12, sandboxId.length()));
        String volume = "gantry_" + sandbox + "_" + mount.source();
        call(() -> docker.createVolumeCmd().withName(volume).withDriver("local")
                .withDriverOpts(Map.of("type", "tmpfs", "device", "tmpfs"))
                .withLabels(Map.of(SANDBOX_ID, sandboxId)).exec());
        return docked.withType(MountType.VOLUME).withSource(volume);
    }

    @Override
    public void startContainer(String containerId) {
        String sandboxId = containerSandboxes.remove(containerId);
        CompletableFuture<Void> sandboxStart = sandboxId == null ? null : sandboxStarts.get(sandboxId);
        if (sandboxStart != null) {
            try {
                sandboxStart.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            } finally {
                sandboxStarts.remove(sandboxId, sandboxStart);
            }
        }
        call(() -> docker.startContainerCmd(containerId).exec());
        if (SoloSandboxes.isSolo(sandboxId)) {
            routeLoopback(containerId, true); // this container holds the pod's network, made by its start
        }
    }

    /**
     * What a one-container pod's container runs behind the waiter for its routes ({@link
     * PodLoopback}), resolved from the pod and the image; empty where it runs as it is: no routes
     * to wait for, no static busybox on the host, or nothing to run.
     */
    private List<String> waitingForRoutes(ContainerConfig container) {
        if (busybox == null || loopback() == null) {
            return List.of();
        }
        List<String> command = container.command();
        List<String> args = container.args();
        List<String> imageEntrypoint = List.of();
        List<String> imageCmd = List.of();
        if (command == null || command.isEmpty()) {
            try {
                // read at each create: an image rebuilt under the same tag (as examples/images/build.sh does) changes it
                ImageCommand image = imageCommand(container.image());
                imageEntrypoint = image.entrypoint();
                imageCmd = image.cmd();
            } catch (NotFoundException missing) {
                return List.of(); // the create says so
            }
        }
        return PodLoopback.resolve(command, args, imageEntrypoint, imageCmd);
    }

    /** An image's ENTRYPOINT and CMD. */
    private record ImageCommand(List<String> entrypoint, List<String> cmd) {
    }

    private ImageCommand imageCommand(String image) {
        var config = call(() -> docker.inspectImageCmd(image).exec()).getConfig();
        return config == null ? new ImageCommand(List.of(), List.of())
                : new ImageCommand(config.getEntrypoint() == null ? List.of() : List.of(config.getEntrypoint()),
                        config.getCmd() == null ? List.of() : List.of(config.getCmd()));
    }

    /**
     * Routes the loopback addresses Gantry hands out from the network of a pod's sandbox, or of a
     * one-container pod's container, to the host ({@link PodLoopback}), and wakes the latter's
     * waiter, routed or not. A pod whose network cannot be routed still runs; the log says what it
     * cannot reach.
     */
    private void routeLoopback(String holderId, boolean waiting) {
        PodLoopback host = loopback();
        if (host == null) {
            return; // and no waiter either
        }
        boolean woken = !waiting;
        try {
            InspectContainerResponse holder = call(() -> docker.inspectContainerCmd(holderId).exec());
            Long pid = holder.getState() == null ? null : holder.getState().getPidLong();
            String gateway = holder.getNetworkSettings() == null ? null : holder.getNetworkSettings().getGateway();
            if (pid == null || pid <= 0) {
                return; // exited already
            }
            if (gateway != null && !gateway.isEmpty()) {
                host.route(pid, gateway, waiting);
                woken = true;
            }
        } catch (NotFoundException gone) {
            LOG.debug("Container {} is gone before its network was routed", holderId);
            woken = true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("The pod network of container {} does not reach cluster IPs or other pods' IPs: {}", holderId,
                    e.getMessage());
        }
        if (!woken) {
            wake(holderId);
        }
    }

    /** Lets a one-container pod's waiter run its program now, without routes. */
    private void wake(String containerId) {
        try {
            call(() -> docker.killContainerCmd(containerId).withSignal("SIG" + PodLoopback.WAKE).exec());
        } catch (RuntimeException e) {
            LOG.debug("Container {} was not woken: {}", containerId, e.getMessage());
        }
    }

    private synchronized PodLoopback loopback() {
        if (!loopbackTried && config.podLoopback()) {
            loopbackTried = true;
            String bridge = "docker0";
            try {
                Map<String, String> options = call(() -> docker.inspectNetworkCmd().withNetworkId("bridge").exec()).getOptions();
                bridge = options == null ? bridge : options.getOrDefault("com.docker.network.bridge.name", bridge);
                loopback = PodLoopback.prepare(bridge);
                LOG.info("Pods on bridge {} reach cluster IPs and pod IPs on the host's loopback, except {}", bridge,
                        PodLoopback.HOST_ONLY);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Pods on bridge {} cannot reach cluster IPs or other pods' IPs from their containers: {}", bridge,
                        e.getMessage());
            }
        }
        return loopback;
    }

    @Override
    public ContainerStatus containerStatus(String containerId) {
        try {
            ContainerStatus status = status(call(() -> docker.inspectContainerCmd(containerId).exec()));
            inspected.put(status.id(), status);
            return status;
        } catch (NotFoundException gone) {
            return null;
        }
    }

    @Override
    public void stopContainer(String containerId, Duration gracePeriod) {
        long seconds = Math.max(0, (gracePeriod.toMillis() + 999) / 1000);
        try {
            call(() -> docker.stopContainerCmd(containerId).withTimeout((int) Math.min(Integer.MAX_VALUE, seconds)).exec());
        } catch (NotFoundException | NotModifiedException alreadyStopped) {
            // stopping what is stopped or gone is no error
        }
    }

    @Override
    public void removeContainer(String containerId) {
        try {
            call(() -> docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec());
        } catch (NotFoundException gone) {
            // removing what is gone is no error
        } catch (ConflictException beingRemoved) {
            LOG.debug("Container {} is already being removed", containerId);
        }
        inspected.remove(containerId);
        containerSandboxes.remove(containerId);
        sandboxStarts.remove(containerId);
    }

    @Override
    public List<ContainerStatus> listContainers(String nodeName) {
        return containers(list(Map.of(NODE, nodeName)));
    }

    /** The pods' containers in a list of the node's containers, inspected again only when changed. */
    private List<ContainerStatus> containers(List<Container> listed) {
        List<ContainerStatus> containers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Container container : listed) {
            if (labels(container).containsKey(SANDBOX)) {
                continue;
            }
            seen.add(container.getId());
            ContainerStatus known = inspected.get(container.getId());
            if (known != null && known.state() == state(container.getState())) {
                containers.add(known);
                continue;
            }
            try {
                ContainerStatus status = status(call(() -> docker.inspectContainerCmd(container.getId()).exec()));
                inspected.put(status.id(), status);
                containers.add(status);
            } catch (NotFoundException removedMeanwhile) {
                // gone between the list and the inspect
            }
        }
        inspected.keySet().retainAll(seen);
        return containers;
    }

    @Override
    public ExecResult exec(String containerId, List<String> command, Duration timeout) {
        String execId = call(() -> docker.execCreateCmd(containerId).withCmd(command.toArray(String[]::new))
                .withAttachStdout(true).withAttachStderr(true).exec().getId());
        StringBuilder output = new StringBuilder();
        ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                if (output.length() < 10_000) {
                    output.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
            }
        };
        boolean done;
        try {
            done = call(() -> {
                try {
                    return docker.execStartCmd(execId).exec(callback).awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
        } finally {
            try {
                callback.close();
            } catch (IOException e) {
                LOG.debug("Closing exec {}: {}", execId, e.getMessage());
            }
        }
        if (!done) {
            return new ExecResult(-1, true, output.toString());
        }
        Long exitCode = call(() -> docker.inspectExecCmd(execId).exec().getExitCodeLong());
        return new ExecResult(exitCode == null ? -1 : exitCode.intValue(), false, output.toString());
    }

    @Override
    public int exec(String containerId, List<String> command, ExecStreams streams) throws IOException {
        String execId = call(() -> docker.execCreateCmd(containerId).withCmd(command.toArray(String[]::new))
                .withAttachStdin(streams.stdin() != null).withAttachStdout(streams.stdout() != null)
                .withAttachStderr(streams.stderr() != null).withTty(streams.tty()).exec().getId());
        Thread resizer = resizing(streams, size -> docker.resizeExecCmd(execId).withSize(size.height(), size.width()).exec());
        try {
            if (streams.stdin() != null && ExecAttachment.supports(config.dockerHost())) {
                calls.incrementAndGet();
                ExecAttachment.run(config.dockerHost(), execId, streams.stdin(), streams.stdout(), streams.stderr(),
                        streams.tty());
            } else {
                execThroughDockerJava(execId, streams);
            }
        } finally {
            stop(resizer);
        }
        Long exitCode = call(() -> docker.inspectExecCmd(execId).exec().getExitCodeLong());
        return exitCode == null ? -1 : exitCode.intValue();
    }

    /**
     * Gives the client's terminal sizes to the command's terminal, on a thread of its own, until
     * the client sends no more or the session ends ({@link #stop}). The first size may come
     * before the engine has started the command, which it then refuses: it is tried again for a
     * second.
     *
     * @return the thread, or null when there is nothing to resize
     */
    private Thread resizing(ExecStreams streams, Consumer<TerminalSizes.Size> resize) {
        if (!streams.tty() || streams.resizes() == null) {
            return null;
        }
        Thread thread = new Thread(() -> {
            try {
                for (TerminalSizes.Size size = streams.resizes().next(); size != null; size = streams.resizes().next()) {
                    for (int attempt = 1; ; attempt++) {
                        try {
                            calls.incrementAndGet();
                            resize.accept(size);
                            break;
                        } catch (RuntimeException e) {
                            if (attempt == RESIZE_ATTEMPTS) {
                                LOG.debug("The engine did not take terminal size {}: {}", size, e.getMessage());
                                break;
                            }
                            Thread.sleep(1000 / RESIZE_ATTEMPTS);
                        }
                    }
                }
            } catch (InterruptedException e) {
                // the session ended
            }
        }, "gantry-docker-resize");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void stop(Thread resizer) {
        if (resizer != null) {
            resizer.interrupt();
        }
    }

    /** Carries an exec's streams through docker-java, which cannot end the command's input: without stdin only. */
    private void execThroughDockerJava(String execId, ExecStreams streams) throws IOException {
        var start = docker.execStartCmd(execId).withDetach(false).withTty(streams.tty());
        if (streams.stdin() != null) {
            start.withStdIn(streams.stdin());
        }
        streamFrames(start::exec, toStreams(streams));
    }

    @Override
    public int attach(String containerId, ExecStreams streams) throws IOException {
        InspectContainerResponse inspected = call(() -> docker.inspectContainerCmd(containerId).exec());
        if (!Boolean.TRUE.equals(inspected.getState().getRunning())) {
            throw new IllegalStateException("container " + containerId + " is not running");
        }
        boolean tty = inspected.getConfig() != null && Boolean.TRUE.equals(inspected.getConfig().getTty());
        boolean openStdin = inspected.getConfig() != null && Boolean.TRUE.equals(inspected.getConfig().getStdinOpen());
        // a container created without stdin has no input to write to: the engine would drop it anyway
        var stdin = openStdin ? streams.stdin() : null;
        // with a terminal, everything the process writes comes on one stream
        var stderr = tty ? null : streams.stderr();
        Thread resizer = tty ? resizing(streams, size -> docker.resizeContainerCmd(containerId)
                .withSize(size.height(), size.width()).exec()) : null;
        try {
            if (ExecAttachment.supports(config.dockerHost())) {
                calls.incrementAndGet();
                ExecAttachment.attach(config.dockerHost(), containerId, stdin, streams.stdout(), stderr, tty);
            } else {
                attachThroughDockerJava(containerId, new ExecStreams(null, streams.stdout(), stderr, tty));
            }
        } finally {
            stop(resizer);
        }
        if (Thread.currentThread().isInterrupted()) {
            return -1; // detached: the container goes on
        }
        // the output ended because the process did: its exit code is at hand, or within moments
        try {
            Integer exitCode = call(() -> docker.waitContainerCmd(containerId).exec(new WaitContainerResultCallback())
                    .awaitStatusCode(30, TimeUnit.SECONDS));
            return exitCode == null ? -1 : exitCode;
        } catch (NotFoundException removed) {
            return -1; // removed as soon as it exited: the session is over all the same
        }
    }

    /** Attaches through docker-java, which cannot end the process's input: output only. */
    private void attachThroughDockerJava(String containerId, ExecStreams streams) throws IOException {
        streamFrames(docker.attachContainerCmd(containerId).withFollowStream(true).withLogs(false)
                .withStdOut(streams.stdout() != null).withStdErr(streams.stderr() != null)::exec, toStreams(streams));
    }

    /** Writes each frame to the stream of its kind (stdout or stderr), if the caller wants that kind. */
    private static FrameSink toStreams(ExecStreams streams) {
        return frame -> {
            OutputStream out = frame.getStreamType() == com.github.dockerjava.api.model.StreamType.STDERR
                    ? streams.stderr() : streams.stdout();
            if (out != null) {
                out.write(frame.getPayload());
                out.flush();
            }
        };
    }

    /** Where a stream of docker-java's frames goes; its failure means the reader went away. */
    private interface FrameSink {
        void accept(Frame frame) throws IOException;
    }

    /**
     * Runs a streaming engine call (exec, attach, logs) to its end, handing each frame to the
     * sink; when the sink fails (the client went away) the engine's stream is closed and the
     * failure thrown.
     */
    private void streamFrames(Function<ResultCallback.Adapter<Frame>, ResultCallback.Adapter<Frame>> command,
                              FrameSink sink) throws IOException {
        IOException[] failed = new IOException[1];
        ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                try {
                    sink.accept(frame);
                } catch (IOException e) {
                    failed[0] = e; // stop reading the engine's stream
                    try {
                        close();
                    } catch (IOException ignored) {
                        // closing is all that is left to do
                    }
                }
            }
        };
        try {
            call(() -> {
                try {
                    return command.apply(callback).awaitCompletion();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            });
        } finally {
            callback.close();
        }
        if (failed[0] != null) {
            throw failed[0];
        }
    }

    @Override
    public void logs(String containerId, LogOptions options, OutputStream out) throws IOException {
        var command = docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true)
                .withFollowStream(options.follow()).withTimestamps(options.timestamps());
        if (options.tailLines() != null) {
            command.withTail(Math.max(0, options.tailLines()));
        }
        if (options.since() != null) {
            command.withSince((int) Math.min(Integer.MAX_VALUE, Math.max(0, options.since().getEpochSecond())));
        }
        streamFrames(command::exec, frame -> {
            out.write(frame.getPayload());
            if (options.follow()) {
                out.flush(); // a follower sees each line as it comes
            }
        });
    }

    @Override
    public AutoCloseable watch(String nodeName, Consumer<String> changedPodUid) {
        EventStream stream = new EventStream(nodeName, changedPodUid);
        stream.open();
        return stream;
    }

    /**
     * The engine's container events for one node. The stream is opened again when it ends
     * without being closed (an engine restart); events missed meanwhile are what the relist is for.
     */
    private final class EventStream implements AutoCloseable {
        private final String nodeName;
        private final Consumer<String> changedPodUid;
        private volatile boolean closed;
        private volatile ResultCallback.Adapter<Event> current;

        EventStream(String nodeName, Consumer<String> changedPodUid) {
            this.nodeName = nodeName;
            this.changedPodUid = changedPodUid;
        }

        void open() {
            ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
                @Override
                public void onNext(Event event) {
                    Map<String, String> attributes = event.getActor() == null ? null : event.getActor().getAttributes();
                    String uid = attributes == null ? null : attributes.get(POD_UID);
                    if (uid != null) {
                        changedPodUid.accept(uid);
                    }
                }

                @Override
                public void onError(Throwable error) {
                    ended(this, error);
                }

                @Override
                public void onComplete() {
                    ended(this, null);
                }
            };
            current = callback;
            call(() -> docker.eventsCmd().withEventTypeFilter(EventType.CONTAINER)
                    .withEventFilter("start", "die", "oom", "destroy")
                    .withLabelFilter(Map.of(NODE, nodeName)).exec(callback));
        }

        private void ended(ResultCallback.Adapter<Event> callback, Throwable error) {
            try {
                callback.close();
            } catch (IOException e) {
                LOG.debug("Closing the event stream: {}", e.getMessage());
            }
            if (closed || callback != current) {
                return;
            }
            LOG.info("Docker event stream of node {} ended ({}); opening it again", nodeName,
                    error == null ? "by the engine" : error.toString());
            Thread reopen = new Thread(() -> {
                while (!closed) {
                    try {
                        Thread.sleep(1000); // the engine may be restarting: try once a second
                        open();
                        return;
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        LOG.debug("Event stream not open yet: {}", e.getMessage());
                    }
                }
            }, "gantry-docker-events-" + nodeName);
            reopen.setDaemon(true);
            reopen.start();
        }

        @Override
        public void close() throws IOException {
            closed = true;
            ResultCallback.Adapter<Event> callback = current;
            if (callback != null) {
                callback.close();
            }
        }
    }

    private static ContainerStatus.State state(String listed) {
        return switch (listed == null ? "" : listed) {
            case "running", "paused", "restarting" -> ContainerStatus.State.RUNNING;
            case "created" -> ContainerStatus.State.CREATED;
            case "exited", "dead" -> ContainerStatus.State.EXITED;
            default -> ContainerStatus.State.UNKNOWN;
        };
    }

    private static Map<String, String> podLabels(SandboxConfig sandbox) {
        Map<String, String> labels = new HashMap<>();
        labels.put(NODE, sandbox.nodeName());
        labels.put(POD_NAMESPACE, sandbox.namespace());
        labels.put(POD_NAME, sandbox.podName());
        labels.put(POD_UID, sandbox.podUid());
        return labels;
    }

    /** The pod's labels and what its sandbox records: on the sandbox container, or on a solo sandbox's containers. */
    private static Map<String, String> sandboxLabels(SandboxConfig sandbox) {
        Map<String, String> labels = podLabels(sandbox);
        labels.put(SANDBOX_ATTEMPT, String.valueOf(sandbox.attempt()));
        labels.put(POD_IP, sandbox.podIp());
        labels.put(RUNTIME_HANDLER, SoloSandboxes.runtimeHandler(sandbox));
        return labels;
    }

    /** A sandbox as its labels (sandboxLabels) record it. */
    static SandboxStatus sandboxStatus(String id, Map<String, String> labels, boolean ready, Instant createdAt) {
        return new SandboxStatus(id, labels.get(POD_UID), labels.get(POD_NAMESPACE), labels.get(POD_NAME),
                number(labels.get(SANDBOX_ATTEMPT)), labels.getOrDefault(RUNTIME_HANDLER, NAME), ready,
                labels.get(POD_IP), createdAt);
    }

    static Map<String, String> labels(Container container) {
        return container.getLabels() == null ? Map.of() : container.getLabels();
    }

    private static int number(String label) {
        try {
            return label == null ? 0 : Integer.parseInt(label);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private ContainerStatus status(InspectContainerResponse inspected) {
        InspectContainerResponse.ContainerState state = inspected.getState();
        String status = state.getStatus() == null ? "" : state.getStatus();
        ContainerStatus.State mapped = state(status);
        int exitCode = state.getExitCodeLong() == null ? 0 : state.getExitCodeLong().intValue();
        String reason = mapped != ContainerStatus.State.EXITED ? null
                : Boolean.TRUE.equals(state.getOOMKilled()) ? "OOMKilled" : exitCode == 0 ? "Completed" : "Error";
        Map<String, String> labels = inspected.getConfig() == null || inspected.getConfig().getLabels() == null
                ? Map.of() : inspected.getConfig().getLabels();
        return new ContainerStatus(inspected.getId(), labels.get(POD_UID), labels.get(CONTAINER_NAME),
                number(labels.get(CONTAINER_ATTEMPT)), mapped,
                inspected.getConfig() == null ? null : inspected.getConfig().getImage(), inspected.getImageId(),
                exitCode, reason, time(inspected.getCreated()), time(state.getStartedAt()), time(state.getFinishedAt()),
                state.getError() == null || state.getError().isEmpty() ? null : state.getError());
    }

    private List<Container> list(Map<String, String> labels) {
        return call(() -> docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec());
    }

    private boolean isPresent(String image) {
        try {
            call(() -> docker.inspectImageCmd(image).exec());
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private void pull(String image) {
        int at = image.indexOf('@');
        int colon = image.lastIndexOf(':');
        boolean tagged = at < 0 && colon > image.lastIndexOf('/');
        String repository = tagged ? image.substring(0, colon) : image;
        String tag = tagged ? image.substring(colon + 1) : at < 0 ? "latest" : null;
        call(() -> {
            try {
                var command = docker.pullImageCmd(repository);
                if (tag != null) {
                    command.withTag(tag);
                }
                if (!command.exec(new PullImageResultCallback()).awaitCompletion(config.pullTimeoutSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the pull did not finish within " + config.pullTimeoutSeconds() + " s");
                }
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
    }

    /** Creates a container; a leftover of the same name is removed and the create tried once more. */
    private String create(String name, Supplier<CreateContainerCmd> command) {
        try {
            return call(() -> command.get().exec().getId());
        } catch (ConflictException nameTaken) {
            LOG.info("Removing leftover container {}", name);
            removeContainer(name);
            return call(() -> command.get().exec().getId());
        }
    }

    /** Runs an engine call; an engine that cannot be reached becomes RuntimeUnavailableException. */
    private <T> T call(Supplier<T> operation) {
        calls.incrementAndGet();
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(DockerRuntime.class.getClassLoader());
        try {
            return operation.get();
        } catch (DockerException e) {
            throw e;
        } catch (RuntimeException e) {
            if (isConnectionFailure(e)) {
                throw new RuntimeUnavailableException("no Docker engine answers at " + config.dockerHost() + " ("
                        + rootMessage(e) + "): install one with `apt-get install docker.io` and start `dockerd`, "
                        + "or run ./gantry engine", e);
            }
            throw e;
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private void call(Runnable operation) {
        call(() -> {
            operation.run();
            return null;
        });
    }

    private static boolean isConnectionFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static Instant time(String timestamp) {
        if (timestamp == null || timestamp.isEmpty() || timestamp.startsWith("0001-01-01")) {
            return null;
        }
        return Instant.parse(timestamp);
    }

    private static String shortUid(String uid) {
        return uid == null ? "none" : uid.substring(0, Math.min(8, uid.length()));
    }
}
