package io.gantry.runtime.process;

import io.gantry.api.Folders;
import io.gantry.api.Plugins;
import io.gantry.api.json.Json;
import io.gantry.api.runtime.ContainerConfig;
import io.gantry.api.runtime.ContainerRuntime;
import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.ExecResult;
import io.gantry.api.runtime.ExecStreams;
import io.gantry.api.runtime.ImageUnavailableException;
import io.gantry.api.runtime.LogOptions;
import io.gantry.api.runtime.Mount;
import io.gantry.api.runtime.PullPolicy;
import io.gantry.api.runtime.SandboxConfig;
import io.gantry.api.runtime.SandboxStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each container as a host process, for machines without a container engine. A sandbox is a
 * folder with a state file; each container is a folder in it with its state file, its log
 * ({@code container.log}, standard output and error) and {@code rootfs/}, its default working
 * folder, where its volumes appear as links at their mount paths (relative to it: a host process
 * sees the host's file system). The process gets {@code POD_IP} and the environment the kubelet
 * computed, and binds the pod IP itself.
 *
 * <p>What to run: the container's {@code command} (and {@code args}) as given; without a command,
 * the shell command line the {@code images} configuration maps its image to (with
 * {@code @POD_IP@}, {@code @PORT@} and {@code @ROOTFS@} replaced; its args are the line's
 * positional parameters);
 * an image with no mapping runs its {@code args} alone, and a container with neither fails with
 * ErrImagePull. Nothing is pulled. {@code runAsUser} and {@code readOnlyRootFilesystem} are not
 * applied; CPU and memory limits are, where cgroups (v1 or v2) may be written ({@link CgroupLimits}).
 *
 * <p>The state files are how a new instance (a bundle update, a Karaf restart) finds its
 * containers again: a process is adopted when its pid still runs with the recorded start time.
 * The exit code of a process this instance started is its own; of an adopted one, it is what the
 * instance that started it wrote, else 137 with reason {@code ContainerStatusUnknown}, as
 * Kubernetes reports a container whose end it did not see.
 */
@Component(service = ContainerRuntime.class, property = Plugins.NAME + "=" + ProcessRuntime.NAME,
        configurationPid = ProcessRuntime.PID)
@Designate(ocd = ProcessRuntime.Config.class)
public class ProcessRuntime implements ContainerRuntime {

    public static final String NAME = "process";
    public static final String PID = "io.gantry.runtime.process";

    private static final Logger LOG = LoggerFactory.getLogger(ProcessRuntime.class);
    private static final String SANDBOX_FILE = "sandbox.json";
    private static final String CONTAINER_FILE = "container.json";
    private static final String LOG_FILE = "container.log";
    private static final int UNKNOWN_EXIT = 137;
    private static final int START_ERROR_EXIT = 128;
    private static final int MAX_EXEC_OUTPUT = 10_000;
    private static final Duration ADOPTED_EXIT_WAIT = Duration.ofMillis(500);
    /** As the image of examples/images/build.sh does: a page naming the pod, served on port 80 (here the pod's first port). */
    static final String DEFAULT_IMAGES = "gantry/httpd:1.0=echo \"hello from Gantry, pod $HOSTNAME\" > index.html; "
            + "exec busybox httpd -f -p @POD_IP@:@PORT@ -h .";

    @ObjectClassDefinition(name = "Gantry process runtime")
    public @interface Config {

        @AttributeDefinition(description = "Folder of sandboxes, containers and their logs; empty takes "
                + "runtime-process/ in Karaf's data folder")
        String rootDir() default "";

        @AttributeDefinition(description = "Host commands of known images, one image=shell command line per "
                + "entry or per line; @POD_IP@, @PORT@ (the pod's first port) and @ROOTFS@ (the container's folder) "
                + "are replaced, and the container's args are the line's positional parameters")
        String[] images() default {DEFAULT_IMAGES};

        @AttributeDefinition(description = "Mount point of cgroups (v2, or v1 with memory/ and cpu/ in it), where CPU and memory limits are set if it may be written")
        String cgroupRoot() default "/sys/fs/cgroup";
    }

    private final Path sandboxRoot;
    private final Path memoryRoot;
    private final Map<String, String> images;
    private final CgroupLimits limits;
    private final Map<String, SandboxRecord> sandboxes = new ConcurrentHashMap<>();
    private final Map<String, ContainerRecord> containers = new ConcurrentHashMap<>();
    /** The processes this instance started: their exit codes are known here. */
    private final Map<String, Process> children = new ConcurrentHashMap<>();
    /** Containers this instance is stopping, and whether it had to kill them. */
    private final Map<String, Boolean> killed = new ConcurrentHashMap<>();
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private volatile boolean active = true;

    private record Subscriber(String nodeName, Consumer<String> changedPodUid) {
    }

    @Activate
    public ProcessRuntime(Config config) {
        Path root = config.rootDir().isBlank()
                ? Path.of(System.getProperty("karaf.data", System.getProperty("java.io.tmpdir")), "runtime-process")
                : Path.of(config.rootDir());
        this.sandboxRoot = root.resolve("sandboxes");
        Path shm = Path.of("/dev/shm");
        this.memoryRoot = Files.isDirectory(shm) && Files.isWritable(shm)
                ? shm.resolve("gantry-process-" + Integer.toHexString(root.toAbsolutePath().hashCode()))
                : root.resolve("memory");
        this.images = parseImages(config.images());
        this.limits = CgroupLimits.detect(Path.of(config.cgroupRoot()));
        try {
            Files.createDirectories(sandboxRoot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the process runtime's folder " + sandboxRoot, e);
        }
        adopt();
    }

    /** Stops watching; the processes keep running, for the next instance to adopt. */
    @Deactivate
    public void deactivate() {
        active = false;
        subscribers.clear();
    }

    @Override
    public String version() {
        return "process://" + Runtime.version().feature();
    }

    @Override
    public String runPodSandbox(SandboxConfig config) {
        String id = newId();
        int firstPort = config.ports() == null || config.ports().isEmpty() ? 80 : config.ports().get(0).hostPort();
        SandboxRecord sandbox = new SandboxRecord(id, config.nodeName(), config.namespace(), config.podName(),
                config.podUid(), config.attempt(), config.runtimeHandler() == null ? NAME : config.runtimeHandler(),
                config.hostname(), config.podIp(), firstPort, System.currentTimeMillis(), false);
        try {
            Files.createDirectories(sandboxDir(id).resolve("containers"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of the sandbox of pod " + config.podName(), e);
        }
        save(sandboxDir(id).resolve(SANDBOX_FILE), sandbox);
        sandboxes.put(id, sandbox);
        return id;
    }

    @Override
    public void stopPodSandbox(String sandboxId) {
        containersOf(sandboxId).forEach(c -> stopContainer(c.id(), Duration.ZERO));
        SandboxRecord sandbox = sandboxes.computeIfPresent(sandboxId, (id, s) -> s.stop());
        if (sandbox != null) {
            save(sandboxDir(sandboxId).resolve(SANDBOX_FILE), sandbox);
            changed(sandbox);
        }
    }

    @Override
    public void removePodSandbox(String sandboxId) {
        containersOf(sandboxId).forEach(c -> removeContainer(c.id()));
        SandboxRecord sandbox = sandboxes.remove(sandboxId);
        delete(memoryRoot.resolve(sandboxId));
        delete(sandboxDir(sandboxId));
        if (sandbox != null) {
            changed(sandbox);
        }
    }

    @Override
    public List<SandboxStatus> listPodSandboxes(String nodeName) {
        return sandboxes.values().stream().filter(s -> nodeName.equals(s.nodeName()))
                .map(s -> new SandboxStatus(s.id(), s.podUid(), s.namespace(), s.podName(), s.attempt(),
                        s.runtimeHandler(), !s.stopped(), s.podIp(), Instant.ofEpochMilli(s.createdAt())))
                .toList();
    }

    /** Host commands need no image: every image is present, and nothing is pulled. */
    @Override
    public void ensureImage(String image, PullPolicy policy) {
        // an image without a host command is refused when its container is created, naming the config to edit
    }

    @Override
    public String createContainer(String sandboxId, ContainerConfig config, SandboxConfig sandboxConfig) {
        SandboxRecord sandbox = sandboxes.get(sandboxId);
        if (sandbox == null) {
            throw new IllegalStateException("the sandbox of pod " + sandboxConfig.podName() + " is gone");
        }
        String id = newId();
        Path dir = containerDir(sandboxId, id);
        Path rootfs = dir.resolve("rootfs");
        List<String> argv = argv(config, sandbox, rootfs);
        try {
            Files.createDirectories(rootfs);
            for (Mount mount : config.mounts() == null ? List.<Mount>of() : config.mounts()) {
                link(sandboxId, rootfs, mount);
            }
        } catch (IOException e) {
            delete(dir);
            throw new UncheckedIOException("cannot prepare container " + config.name() + ": " + e.getMessage(), e);
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("HOME", rootfs.toString());
        env.put("HOSTNAME", sandbox.hostname() == null ? sandbox.podName() : sandbox.hostname());
        env.put("POD_IP", sandbox.podIp());
        if (config.env() != null) {
            env.putAll(config.env());
        }
        ContainerRecord container = new ContainerRecord(id, sandboxId, sandbox.podUid(), config.name(), config.attempt(),
                config.image(), argv, env, workingDir(rootfs, config.workingDir()).toString(), config.milliCpuLimit(),
                config.memoryLimitBytes(), System.currentTimeMillis(), null, null, 0, 0, 0, null);
        save(dir.resolve(CONTAINER_FILE), container);
        containers.put(id, container);
        return id;
    }

    @Override
    public void startContainer(String containerId) {
        ContainerRecord container = containers.get(containerId);
        if (container == null) {
            throw new IllegalStateException("container " + containerId + " does not exist");
        }
        Path dir = containerDir(container.sandboxId(), containerId);
        ProcessBuilder builder = new ProcessBuilder(container.argv())
                .directory(Path.of(container.workingDir()).toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(LOG_FILE).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(container.env());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            // as containerd reports a container whose process could not start
            long now = System.currentTimeMillis();
            update(container.started(0, 0, now).exited(START_ERROR_EXIT, "StartError", now));
            throw new IllegalStateException("cannot run " + container.argv().get(0) + " for container "
                    + container.name() + ": " + e.getMessage(), e);
        }
        long startTicks = ProcessIdentity.of(process.pid()).map(ProcessIdentity::startTicks).orElse(0L);
        children.put(containerId, process);
        update(container.started(process.pid(), startTicks, System.currentTimeMillis()));
        limits.apply(containerId, process.pid(), container.milliCpuLimit(), container.memoryLimitBytes());
        process.onExit().thenRun(() -> exited(containerId, process));
    }

    @Override
    public void stopContainer(String containerId, Duration gracePeriod) {
        ContainerRecord container = refresh(containers.get(containerId));
        if (container == null || container.startedAt() == null || container.finishedAt() != null) {
            return;
        }
        Optional<ProcessHandle> handle = container.process().alive() ? ProcessHandle.of(container.pid()) : Optional.empty();
        if (handle.isEmpty()) {
            refresh(container);
            return;
        }
        ProcessHandle process = handle.get();
        // what the process started goes too: a shell's children would outlive it otherwise
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(0, process);
        killed.put(containerId, false);
        tree.forEach(ProcessHandle::destroy); // SIGTERM
        if (!awaitExit(process, gracePeriod)) {
            killed.put(containerId, true);
            tree.forEach(ProcessHandle::destroyForcibly); // SIGKILL
            awaitExit(process, Duration.ofSeconds(10));
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        Process child = children.get(containerId);
        if (child != null) {
            exited(containerId, child);
        } else {
            refresh(containers.get(containerId));
        }
    }

    @Override
    public void removeContainer(String containerId) {
        ContainerRecord container = containers.get(containerId);
        if (container == null) {
            return;
        }
        stopContainer(containerId, Duration.ZERO);
        containers.remove(containerId);
        children.remove(containerId);
        killed.remove(containerId);
        limits.remove(containerId);
        delete(containerDir(container.sandboxId(), containerId));
        SandboxRecord sandbox = sandboxes.get(container.sandboxId());
        if (sandbox != null) {
            changed(sandbox);
        }
    }

    @Override
    public List<ContainerStatus> listContainers(String nodeName) {
        List<ContainerStatus> listed = new ArrayList<>();
        for (ContainerRecord container : containers.values()) {
            SandboxRecord sandbox = sandboxes.get(container.sandboxId());
            if (sandbox != null && nodeName.equals(sandbox.nodeName())) {
                ContainerRecord current = refresh(container);
                if (current != null) {
                    listed.add(status(current));
                }
            }
        }
        return listed;
    }

    @Override
    public ContainerStatus containerStatus(String containerId) {
        ContainerRecord container = refresh(containers.get(containerId));
        return container == null ? null : status(container);
    }

    /** Runs the command on the host with the container's environment and working folder. */
    @Override
    public ExecResult exec(String containerId, List<String> command, Duration timeout) {
        ContainerRecord container = containers.get(containerId);
        if (container == null) {
            throw new IllegalStateException("container " + containerId + " does not exist");
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of(container.workingDir()).toFile())
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(container.env());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new ExecResult(126, false, "cannot run " + command.get(0) + ": " + e.getMessage());
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            LOG.debug("Closing the input of exec in {}: {}", containerId, e.getMessage());
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        var reader = java.util.concurrent.CompletableFuture.runAsync(() -> read(process.getInputStream(), output));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return new ExecResult(-1, true, text(output));
            }
            reader.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return new ExecResult(-1, true, text(output));
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Output of exec in {} not read to the end: {}", containerId, e.getMessage());
        }
        return new ExecResult(process.exitValue(), false, text(output));
    }

    @Override
    public AutoCloseable watch(String nodeName, Consumer<String> changedPodUid) {
        Subscriber subscriber = new Subscriber(nodeName, changedPodUid);
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    /**
     * The container's standard output and error, whole, its last lines, or followed until it
     * stops; its lines carry no times, so {@code since} and {@code timestamps} are not applied.
     */
    @Override
    public void logs(String containerId, LogOptions options, OutputStream out) throws IOException {
        Path file = logFile(containerId);
        if (file == null) {
            throw new IllegalStateException("container " + containerId + " does not exist");
        }
        FileLog.copy(file, options.tailLines(), options.follow(), () -> {
            ContainerRecord current = refresh(containers.get(containerId));
            return current != null && current.finishedAt() == null;
        }, out);
    }

    /**
     * Output only: what the process writes from now on, followed in its log file, where standard
     * output and error are one stream (so it all goes to stdout, else to stderr); its processes get
     * no standard input to write to, so {@code streams.stdin()} is not read.
     */
    @Override
    public int attach(String containerId, ExecStreams streams) throws IOException {
        Path file = logFile(containerId);
        ContainerRecord container = refresh(containers.get(containerId));
        if (file == null || container == null) {
            throw new IllegalStateException("container " + containerId + " does not exist");
        }
        if (container.finishedAt() != null) {
            throw new IllegalStateException("container " + containerId + " is not running");
        }
        OutputStream out = streams.stdout() != null ? streams.stdout() : streams.stderr();
        FileLog.copy(file, 0, true, () -> {
            ContainerRecord current = refresh(containers.get(containerId));
            return current != null && current.finishedAt() == null;
        }, out == null ? OutputStream.nullOutputStream() : out);
        ContainerRecord ended = refresh(containers.get(containerId));
        return Thread.currentThread().isInterrupted() || ended == null || ended.finishedAt() == null ? -1
                : ended.exitCode();
    }

    /** The log file of a container (its standard output and error), for the kubelet's log endpoint. */
    public Path logFile(String containerId) {
        ContainerRecord container = containers.get(containerId);
        return container == null ? null : containerDir(container.sandboxId(), containerId).resolve(LOG_FILE);
    }

    /** The cgroups a container's limits are in; none where limits are not enforced. */
    List<Path> cgroups(String containerId) {
        return limits.groups(containerId);
    }

    /** Whether CPU and memory limits are enforced on this host. */
    public boolean limitsEnforced() {
        return limits.enforced();
    }

    /** Reads the state files: sandboxes, containers, and which processes still run. */
    private void adopt() {
        int running = 0;
        try (Stream<Path> dirs = Files.list(sandboxRoot)) {
            for (Path dir : dirs.toList()) {
                SandboxRecord sandbox = load(dir.resolve(SANDBOX_FILE), SandboxRecord.class);
                if (sandbox == null) {
                    continue;
                }
                sandboxes.put(sandbox.id(), sandbox);
                try (Stream<Path> containerDirs = Files.list(dir.resolve("containers"))) {
                    for (Path containerDir : containerDirs.toList()) {
                        ContainerRecord container = load(containerDir.resolve(CONTAINER_FILE), ContainerRecord.class);
                        if (container == null) {
                            continue;
                        }
                        containers.put(container.id(), container);
                        if (container.startedAt() != null && container.finishedAt() == null && container.process().alive()) {
                            running++;
                            String id = container.id();
                            ProcessHandle.of(container.pid()).ifPresent(p -> p.onExit().thenRun(() -> refresh(containers.get(id))));
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot read the process runtime's state in {}: {}", sandboxRoot, e.getMessage());
        }
        containers.values().forEach(this::refresh);
        if (!sandboxes.isEmpty()) {
            LOG.info("Process runtime found {} sandboxes and {} containers, {} of them running", sandboxes.size(),
                    containers.size(), running);
        }
    }

    /** A process this instance started ended: its exit code is known. */
    private void exited(String containerId, Process process) {
        ContainerRecord container = containers.get(containerId);
        if (container == null || container.finishedAt() != null) {
            return;
        }
        int code = process.exitValue();
        boolean oomKilled = code == UNKNOWN_EXIT && !Boolean.TRUE.equals(killed.get(containerId))
                && container.memoryLimitBytes() > 0 && limits.enforced();
        String reason = oomKilled ? "OOMKilled" : code == 0 ? "Completed" : "Error";
        // a deactivated instance still writes what it alone knows, for the instance that adopted the process
        update(container.exited(code, reason, System.currentTimeMillis()));
    }

    /**
     * The container as it is now: a running one whose process ended is exited, with the code this
     * instance saw, or the one another instance wrote, or unknown.
     */
    private ContainerRecord refresh(ContainerRecord container) {
        if (container == null || container.startedAt() == null || container.finishedAt() != null
                || container.process().alive()) {
            return container;
        }
        Process child = children.get(container.id());
        if (child != null) {
            child.onExit().join();
            exited(container.id(), child);
            return containers.get(container.id());
        }
        ContainerRecord written = writtenExit(container);
        if (written != null) {
            containers.replace(container.id(), written);
            return written;
        }
        Boolean wasKilled = killed.get(container.id());
        ContainerRecord ended = wasKilled != null
                ? container.exited(wasKilled ? 137 : 143, "Error", System.currentTimeMillis())
                : container.exited(UNKNOWN_EXIT, "ContainerStatusUnknown", System.currentTimeMillis());
        update(ended);
        return ended;
    }

    /**
     * The exit another instance of this runtime wrote for a process it started. Within one JVM
     * (a bundle update) that instance sees the exit at the same moment as this one: its write is
     * waited for, briefly; after a JVM restart there is none, and the wait is the price of knowing.
     */
    private ContainerRecord writtenExit(ContainerRecord container) {
        Path file = containerDir(container.sandboxId(), container.id()).resolve(CONTAINER_FILE);
        long deadline = System.nanoTime() + ADOPTED_EXIT_WAIT.toNanos();
        while (true) {
            ContainerRecord written = load(file, ContainerRecord.class);
            if (written != null && written.finishedAt() != null) {
                return written;
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    private void update(ContainerRecord container) {
        if (containers.replace(container.id(), container) == null) {
            return; // removed meanwhile
        }
        Path dir = containerDir(container.sandboxId(), container.id());
        if (Files.isDirectory(dir)) {
            save(dir.resolve(CONTAINER_FILE), container);
        }
        SandboxRecord sandbox = sandboxes.get(container.sandboxId());
        if (sandbox != null) {
            changed(sandbox);
        }
    }

    private void changed(SandboxRecord sandbox) {
        for (Subscriber subscriber : subscribers) {
            if (subscriber.nodeName().equals(sandbox.nodeName())) {
                try {
                    if (!active) {
                        return;
                    }
                    subscriber.changedPodUid().accept(sandbox.podUid());
                } catch (RuntimeException e) {
                    LOG.debug("A listener of runtime events failed: {}", e.getMessage());
                }
            }
        }
    }

    private List<String> argv(ContainerConfig config, SandboxRecord sandbox, Path rootfs) {
        List<String> argv = new ArrayList<>();
        List<String> args = config.args() == null ? List.of() : config.args();
        if (config.command() != null && !config.command().isEmpty()) {
            argv.addAll(config.command());
            argv.addAll(args);
        } else if (images.containsKey(config.image())) {
            // the line runs in a shell (exec in it makes the server the process that gets the signals)
            argv.addAll(List.of("/bin/sh", "-c", images.get(config.image()).replace("@POD_IP@", sandbox.podIp())
                    .replace("@PORT@", Integer.toString(sandbox.firstPort())).replace("@ROOTFS@", rootfs.toString()),
                    config.image()));
            argv.addAll(args);
        } else if (!args.isEmpty()) {
            argv.addAll(args);
        } else {
            throw new ImageUnavailableException("image \"" + config.image() + "\" has no host command in the process "
                    + "runtime (known: " + String.join(", ", images.keySet()) + "), and container " + config.name()
                    + " gives no command: add it to images in etc/" + PID + ".cfg, or give the container a command", null);
        }
        return argv;
    }

    /** A volume appears at its mount path inside the container's folder, as a link to its files. */
    private void link(String sandboxId, Path rootfs, Mount mount) throws IOException {
        Path source = mount.type() == Mount.Type.MEMORY ? memoryRoot.resolve(sandboxId).resolve(mount.source())
                : Path.of(mount.source());
        if (mount.type() == Mount.Type.MEMORY) {
            Files.createDirectories(source);
        }
        Path target = rootfs.resolve(relative(mount.containerPath()));
        Files.createDirectories(target.getParent());
        Files.deleteIfExists(target);
        Files.createSymbolicLink(target, source);
    }

    /** The working folder: inside the container's folder, unless it is a folder of the host. */
    private static Path workingDir(Path rootfs, String workingDir) throws UncheckedIOException {
        if (workingDir == null || workingDir.isBlank()) {
            return rootfs;
        }
        Path inside = rootfs.resolve(relative(workingDir));
        if (Files.isDirectory(inside) || !Files.isDirectory(Path.of(workingDir))) {
            try {
                Files.createDirectories(inside);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create working folder " + workingDir, e);
            }
            return inside;
        }
        return Path.of(workingDir);
    }

    private static String relative(String path) {
        String trimmed = path;
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        if (Arrays.asList(trimmed.split("/")).contains("..")) {
            throw new IllegalArgumentException("path " + path + " leaves the container's folder");
        }
        return trimmed;
    }

    private static ContainerStatus status(ContainerRecord c) {
        ContainerStatus.State state = c.finishedAt() != null ? ContainerStatus.State.EXITED
                : c.startedAt() != null ? ContainerStatus.State.RUNNING : ContainerStatus.State.CREATED;
        return new ContainerStatus(c.id(), c.podUid(), c.name(), c.attempt(), state, c.image(), "process://" + c.image(),
                c.exitCode(), state == ContainerStatus.State.EXITED ? c.reason() : null, instant(c.createdAt()),
                instant(c.startedAt()), instant(c.finishedAt()));
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    private List<ContainerRecord> containersOf(String sandboxId) {
        return containers.values().stream().filter(c -> c.sandboxId().equals(sandboxId)).toList();
    }

    private Path sandboxDir(String sandboxId) {
        return sandboxRoot.resolve(sandboxId);
    }

    private Path containerDir(String sandboxId, String containerId) {
        return sandboxDir(sandboxId).resolve("containers").resolve(containerId);
    }

    private static boolean awaitExit(ProcessHandle process, Duration atMost) {
        try {
            process.onExit().get(Math.max(1, atMost.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        }
    }

    private static Map<String, String> parseImages(String[] entries) {
        Map<String, String> parsed = new TreeMap<>();
        for (String entry : entries == null ? new String[0] : entries) {
            // a .cfg holds one string: entries there are lines (\n, and a \ continues the line)
            for (String line : entry.split("\n")) {
                int equals = line.indexOf('=');
                if (equals > 0 && !line.substring(equals + 1).isBlank()) {
                    parsed.put(line.substring(0, equals).trim(), line.substring(equals + 1).trim());
                } else if (!line.isBlank()) {
                    LOG.warn("Process runtime: ignoring images entry '{}', expected image=command line", line);
                }
            }
        }
        return parsed;
    }

    /**
     * Writes the file whole or not at all. The temporary file is the writer's own: a container's
     * exit is recorded by the thread that stopped it and by the one that saw its process end, and
     * with one shared name the second rename found the file gone.
     */
    private static void save(Path file, Object value) {
        Path temporary = null;
        try {
            temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            Files.write(temporary, Json.bytes(value));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (temporary != null) {
                temporary.toFile().delete(); // best effort: the write failed either way
            }
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static <T> T load(Path file, Class<T> type) {
        try {
            return Files.exists(file) ? Json.read(Files.readAllBytes(file), type) : null;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Process runtime: ignoring unreadable state file {}: {}", file, e.getMessage());
            return null;
        }
    }

    private static void delete(Path dir) {
        try {
            Folders.delete(dir);
        } catch (IOException e) {
            LOG.debug("Cannot delete all of {}: {}", dir, e.getMessage());
        }
    }

    private static void read(InputStream in, ByteArrayOutputStream output) {
        byte[] buffer = new byte[4096];
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (output.size() < MAX_EXEC_OUTPUT) {
                    output.write(buffer, 0, Math.min(n, MAX_EXEC_OUTPUT - output.size()));
                }
            }
        } catch (IOException e) {
            LOG.debug("Reading exec output: {}", e.getMessage());
        }
    }

    private static String text(ByteArrayOutputStream output) {
        return output.toString(StandardCharsets.UTF_8);
    }

    private static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
