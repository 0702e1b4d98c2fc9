package io.gantry.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.gantry.api.Plugins;
import io.gantry.api.runtime.ContainerConfig;
import io.gantry.api.runtime.ContainerRuntime;
import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.ImageUnavailableException;
import io.gantry.api.runtime.PortMapping;
import io.gantry.api.runtime.PullPolicy;
import io.gantry.api.runtime.RuntimeUnavailableException;
import io.gantry.api.runtime.SandboxConfig;
import io.gantry.api.runtime.SandboxStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * containers join that network. Everything created carries the kubelet's labels, which are how
 * it is found again; the runtime itself keeps no state.
 */
@Component(service = ContainerRuntime.class, property = Plugins.NAME + "=" + DockerRuntime.NAME,
        configurationPid = DockerRuntime.PID)
@Designate(ocd = DockerRuntime.Config.class)
public class DockerRuntime implements ContainerRuntime {

    public static final String NAME = "docker";
    public static final String PID = "io.gantry.runtime.docker";
    static final String SANDBOX_LABEL = "io.gantry.sandbox";
    static final String POD_IP_LABEL = "io.gantry.pod.ip";
    static final String ATTEMPT_LABEL = "io.gantry.container.attempt";

    private static final Logger LOG = LoggerFactory.getLogger(DockerRuntime.class);
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

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
    }

    private final Config config;
    private final DockerClient docker;

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
                .responseTimeout(Duration.ofMinutes(5))
                .build();
        this.docker = DockerClientImpl.getInstance(clientConfig, http);
    }

    @Deactivate
    void deactivate() throws IOException {
        docker.close();
    }

    @Override
    public String version() {
        return "docker://" + call(() -> docker.versionCmd().exec().getVersion());
    }

    @Override
    public String runPodSandbox(SandboxConfig sandbox) {
        ensureImage(config.sandboxImage(), PullPolicy.IF_NOT_PRESENT);
        Map<String, String> labels = new HashMap<>(sandbox.labels());
        labels.put(SANDBOX_LABEL, "true");
        labels.put(POD_IP_LABEL, sandbox.podIp());
        List<ExposedPort> exposed = new ArrayList<>();
        Ports bindings = new Ports();
        for (PortMapping mapping : sandbox.ports()) {
            ExposedPort port = "UDP".equalsIgnoreCase(mapping.protocol()) ? ExposedPort.udp(mapping.containerPort())
                    : ExposedPort.tcp(mapping.containerPort());
            exposed.add(port);
            bindings.bind(port, Ports.Binding.bindIpAndPort(mapping.hostIp(), mapping.hostPort()));
        }
        String name = "gantry_POD_" + sandbox.podName() + "_" + sandbox.namespace() + "_" + shortUid(sandbox.podUid());
        String id = create(name, () -> docker.createContainerCmd(config.sandboxImage())
                .withName(name)
                .withHostName(sandbox.hostname())
                .withLabels(labels)
                .withExposedPorts(exposed)
                .withHostConfig(HostConfig.newHostConfig().withPortBindings(bindings)));
        call(() -> docker.startContainerCmd(id).exec());
        return id;
    }

    @Override
    public void stopPodSandbox(String sandboxId) {
        stopContainer(sandboxId, 10);
    }

    @Override
    public void removePodSandbox(String sandboxId) {
        removeContainer(sandboxId);
    }

    @Override
    public List<SandboxStatus> listPodSandboxes(Map<String, String> labels) {
        Map<String, String> filter = new HashMap<>(labels);
        filter.put(SANDBOX_LABEL, "true");
        List<SandboxStatus> sandboxes = new ArrayList<>();
        for (Container container : list(filter)) {
            Map<String, String> found = container.getLabels() == null ? Map.of() : container.getLabels();
            sandboxes.add(new SandboxStatus(container.getId(), "running".equals(container.getState()),
                    found.get(POD_IP_LABEL), Instant.ofEpochSecond(container.getCreated()), found));
        }
        return sandboxes;
    }

    @Override
    public void ensureImage(String image, PullPolicy policy) {
        boolean present = isPresent(image);
        if (policy == PullPolicy.NEVER) {
            if (!present) {
                throw new ImageUnavailableException("image " + image + " is not present on the node and "
                        + "imagePullPolicy is Never", null);
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
            throw new ImageUnavailableException("image " + image + " is not on the node and cannot be pulled ("
                    + e.getMessage() + "); no registry may be reachable: build images locally, as "
                    + "examples/images/build.sh does", e);
        }
    }

    @Override
    public String createContainer(String sandboxId, ContainerConfig container, SandboxConfig sandbox) {
        List<String> env = new ArrayList<>();
        container.env().forEach((key, value) -> env.add(key + "=" + value));
        HostConfig host = HostConfig.newHostConfig().withNetworkMode("container:" + sandboxId);
        if (container.milliCpuLimit() > 0) {
            host.withNanoCPUs(container.milliCpuLimit() * 1_000_000L);
        }
        if (container.memoryLimitBytes() > 0) {
            host.withMemory(container.memoryLimitBytes());
        }
        String name = "gantry_" + container.name() + "_" + sandbox.podName() + "_" + sandbox.namespace() + "_"
                + shortUid(sandbox.podUid()) + "_" + container.labels().getOrDefault(ATTEMPT_LABEL, "0");
        return create(name, () -> {
            CreateContainerCmd command = docker.createContainerCmd(container.image())
                    .withName(name)
                    .withLabels(container.labels())
                    .withEnv(env)
                    .withHostConfig(host);
            if (container.command() != null && !container.command().isEmpty()) {
                command.withEntrypoint(container.command());
            }
            if (container.args() != null && !container.args().isEmpty()) {
                command.withCmd(container.args());
            }
            if (container.workingDir() != null && !container.workingDir().isEmpty()) {
                command.withWorkingDir(container.workingDir());
            }
            return command;
        });
    }

    @Override
    public void startContainer(String containerId) {
        call(() -> docker.startContainerCmd(containerId).exec());
    }

    @Override
    public void stopContainer(String containerId, long timeoutSeconds) {
        try {
            call(() -> docker.stopContainerCmd(containerId).withTimeout((int) Math.min(Integer.MAX_VALUE, timeoutSeconds)).exec());
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
    }

    @Override
    public List<ContainerStatus> listContainers(Map<String, String> labels) {
        List<ContainerStatus> containers = new ArrayList<>();
        for (Container container : list(labels)) {
            if (container.getLabels() != null && container.getLabels().containsKey(SANDBOX_LABEL)) {
                continue;
            }
            try {
                containers.add(status(call(() -> docker.inspectContainerCmd(container.getId()).exec())));
            } catch (NotFoundException removedMeanwhile) {
                // gone between the list and the inspect
            }
        }
        return containers;
    }

    private ContainerStatus status(InspectContainerResponse inspected) {
        InspectContainerResponse.ContainerState state = inspected.getState();
        String status = state.getStatus() == null ? "" : state.getStatus();
        ContainerStatus.State mapped = switch (status) {
            case "running", "paused", "restarting" -> ContainerStatus.State.RUNNING;
            case "created" -> ContainerStatus.State.CREATED;
            case "exited", "dead" -> ContainerStatus.State.EXITED;
            default -> ContainerStatus.State.UNKNOWN;
        };
        int exitCode = state.getExitCodeLong() == null ? 0 : state.getExitCodeLong().intValue();
        String reason = mapped != ContainerStatus.State.EXITED ? null
                : Boolean.TRUE.equals(state.getOOMKilled()) ? "OOMKilled" : exitCode == 0 ? "Completed" : "Error";
        Map<String, String> labels = inspected.getConfig() == null || inspected.getConfig().getLabels() == null
                ? Map.of() : inspected.getConfig().getLabels();
        String name = inspected.getName() == null ? "" : inspected.getName().replaceFirst("^/", "");
        return new ContainerStatus(inspected.getId(), name, mapped,
                inspected.getConfig() == null ? null : inspected.getConfig().getImage(), inspected.getImageId(),
                exitCode, reason, time(inspected.getCreated()), time(state.getStartedAt()), time(state.getFinishedAt()),
                labels);
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
