package io.gantry.kubelet;

import io.gantry.api.Folders;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Volume;
import io.gantry.api.core.v1.VolumeMount;
import io.gantry.api.runtime.Mount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A pod's volumes on the node, under {@code <root>/pods/<uid>/volumes/<type>/<name>}: emptyDir
 * folders (or, with {@code medium: Memory}, a memory file system the runtime shares between the
 * pod's containers), hostPath, and secret, configMap and downwardAPI folders whose files the
 * kubelet writes and keeps up to date. Files change by an atomic rename, so a reader never sees
 * half a file.
 */
final class PodVolumes {

    private final Path root;
    private final ConfigSource config;

    PodVolumes(Path root, ConfigSource config) {
        this.root = root;
        this.config = config;
    }

    /**
     * Sets up (or brings up to date) every volume of the pod and returns the mounts of the container.
     *
     * @throws PodSetupException if a volume cannot be set up, naming it
     */
    List<Mount> mounts(Pod pod, Container container, String podIp, String hostIp, Map<String, String> allocatable) {
        List<Mount> mounts = new ArrayList<>();
        if (container.volumeMounts == null) {
            return mounts;
        }
        for (VolumeMount mount : container.volumeMounts) {
            Volume volume = volume(pod, mount.name);
            boolean readOnly = Boolean.TRUE.equals(mount.readOnly);
            if (volume.emptyDir != null && "Memory".equals(volume.emptyDir.medium)) {
                mounts.add(new Mount(Mount.Type.MEMORY, volume.name, mount.mountPath, readOnly));
                continue;
            }
            Path source = setUp(pod, volume, podIp, hostIp, allocatable);
            if (mount.subPath != null && !mount.subPath.isEmpty()) {
                source = source.resolve(mount.subPath).normalize();
                if (volume.emptyDir != null) {
                    createDirectory(source);
                }
            }
            boolean generated = volume.secret != null || volume.configMap != null || volume.downwardAPI != null;
            mounts.add(new Mount(Mount.Type.BIND, source.toString(), mount.mountPath, readOnly || generated));
        }
        return mounts;
    }

    /** Rewrites the files of the pod's secret, configMap and downwardAPI volumes whose source changed. */
    void refresh(Pod pod, String podIp, String hostIp, Map<String, String> allocatable) {
        if (pod.spec.volumes == null) {
            return;
        }
        for (Volume volume : pod.spec.volumes) {
            if ((volume.secret != null || volume.configMap != null || volume.downwardAPI != null)
                    && Files.isDirectory(folder(pod, volume))) {
                setUp(pod, volume, podIp, hostIp, allocatable);
            }
        }
    }

    /** Whether the pod has volumes whose files follow other objects or the pod itself. */
    static boolean hasGeneratedVolumes(Pod pod) {
        return pod.spec.volumes != null && pod.spec.volumes.stream()
                .anyMatch(v -> v.secret != null || v.configMap != null || v.downwardAPI != null);
    }

    /** Deletes what the pod's volumes left on the node (never a hostPath). */
    void remove(String podUid) {
        try {
            Folders.delete(root.resolve("pods").resolve(podUid));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path setUp(Pod pod, Volume volume, String podIp, String hostIp, Map<String, String> allocatable) {
        if (volume.hostPath != null) {
            return hostPath(volume);
        }
        Path folder = folder(pod, volume);
        createDirectory(folder);
        if (volume.emptyDir != null) {
            // containers may run as any user: an emptyDir is writable by all, as in Kubernetes
            permissions(folder, 0777);
            return folder;
        }
        if (volume.secret != null) {
            Map<String, byte[]> data = config.secret(pod.metadata.namespace, volume.secret.secretName);
            if (data == null && !Boolean.TRUE.equals(volume.secret.optional)) {
                throw new PodSetupException("ContainerCreating", "MountVolume.SetUp failed for volume \"" + volume.name
                        + "\" : secret \"" + volume.secret.secretName + "\" not found");
            }
            writeKeys(folder, volume.name, "secret", data, volume.secret.items, volume.secret.defaultMode);
        } else if (volume.configMap != null) {
            Map<String, byte[]> data = config.configMap(pod.metadata.namespace, volume.configMap.name);
            if (data == null && !Boolean.TRUE.equals(volume.configMap.optional)) {
                throw new PodSetupException("ContainerCreating", "MountVolume.SetUp failed for volume \"" + volume.name
                        + "\" : configmap \"" + volume.configMap.name + "\" not found");
            }
            writeKeys(folder, volume.name, "configmap", data, volume.configMap.items, volume.configMap.defaultMode);
        } else if (volume.downwardAPI != null) {
            Map<String, byte[]> files = new LinkedHashMap<>();
            Map<String, Integer> modes = new LinkedHashMap<>();
            if (volume.downwardAPI.items != null) {
                for (Volume.DownwardAPIVolumeFile item : volume.downwardAPI.items) {
                    String value = item.fieldRef != null ? PodFields.field(pod, item.fieldRef, podIp, hostIp)
                            : item.resourceFieldRef != null ? PodFields.resource(pod, pod.spec.containers.get(0),
                            item.resourceFieldRef, allocatable) : "";
                    files.put(item.path, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
                    modes.put(item.path, item.mode);
                }
            }
            write(folder, files, modes, volume.downwardAPI.defaultMode);
        } else {
            throw new PodSetupException("ContainerCreating", "volume \"" + volume.name
                    + "\": the kubelet supports emptyDir, hostPath, secret, configMap and downwardAPI volumes");
        }
        return folder;
    }

    private void writeKeys(Path folder, String volume, String kind, Map<String, byte[]> data, List<Volume.KeyToPath> items,
                           Integer defaultMode) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        Map<String, Integer> modes = new LinkedHashMap<>();
        if (data != null) {
            if (items == null || items.isEmpty()) {
                files.putAll(data);
            } else {
                for (Volume.KeyToPath item : items) {
                    byte[] value = data.get(item.key);
                    if (value == null) {
                        throw new PodSetupException("ContainerCreating", "MountVolume.SetUp failed for volume \"" + volume
                                + "\" : " + kind + " key \"" + item.key + "\" does not exist");
                    }
                    files.put(item.path, value);
                    modes.put(item.path, item.mode);
                }
            }
        }
        write(folder, files, modes, defaultMode);
    }

    /** Makes the folder hold exactly these files: changed ones replaced atomically, others deleted. */
    private static void write(Path folder, Map<String, byte[]> files, Map<String, Integer> modes, Integer defaultMode) {
        try {
            Set<Path> wanted = new HashSet<>();
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path target = folder.resolve(file.getKey()).normalize();
                if (!target.startsWith(folder)) {
                    throw new PodSetupException("ContainerCreating", "path \"" + file.getKey() + "\" leaves its volume");
                }
                wanted.add(target);
                Files.createDirectories(target.getParent());
                int mode = modes.get(file.getKey()) != null ? modes.get(file.getKey()) : defaultMode != null ? defaultMode : 0644;
                if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), file.getValue())) {
                    permissions(target, mode);
                    continue;
                }
                Path temp = Files.createTempFile(target.getParent(), ".." + target.getFileName(), ".tmp");
                Files.write(temp, file.getValue());
                permissions(temp, mode);
                try {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            try (Stream<Path> existing = Files.walk(folder)) {
                for (Path path : existing.filter(Files::isRegularFile).toList()) {
                    if (!wanted.contains(path)) {
                        Files.deleteIfExists(path);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path hostPath(Volume volume) {
        Path path = Path.of(volume.hostPath.path);
        String type = volume.hostPath.type == null ? "" : volume.hostPath.type;
        try {
            switch (type) {
                case "DirectoryOrCreate" -> {
                    Files.createDirectories(path);
                }
                case "FileOrCreate" -> {
                    Files.createDirectories(path.getParent());
                    if (!Files.exists(path)) {
                        Files.createFile(path);
                    }
                }
                case "Directory" -> check(Files.isDirectory(path), volume, "is not a directory");
                case "File" -> check(Files.isRegularFile(path), volume, "is not a file");
                case "Socket", "CharDevice", "BlockDevice" -> check(Files.exists(path), volume, "does not exist");
                default -> {
                    // "": no check, as Kubernetes
                }
            }
        } catch (IOException e) {
            throw new PodSetupException("ContainerCreating", "MountVolume.SetUp failed for volume \"" + volume.name
                    + "\" : " + e.getMessage());
        }
        return path;
    }

    private static void check(boolean ok, Volume volume, String problem) {
        if (!ok) {
            throw new PodSetupException("ContainerCreating", "MountVolume.SetUp failed for volume \"" + volume.name
                    + "\" : hostPath type check failed: " + volume.hostPath.path + " " + problem);
        }
    }

    private static Volume volume(Pod pod, String name) {
        if (pod.spec.volumes != null) {
            for (Volume volume : pod.spec.volumes) {
                if (volume.name.equals(name)) {
                    return volume;
                }
            }
        }
        throw new PodSetupException("CreateContainerConfigError", "volumeMounts: volume \"" + name
                + "\" is not among the pod's volumes");
    }

    private Path folder(Pod pod, Volume volume) {
        String type = volume.emptyDir != null ? "empty-dir" : volume.secret != null ? "secret"
                : volume.configMap != null ? "configmap" : "downward-api";
        return root.resolve("pods").resolve(pod.metadata.uid).resolve("volumes").resolve(type).resolve(volume.name);
    }

    private static void createDirectory(Path folder) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void permissions(Path path, int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & 1 << bit) != 0) {
                permissions.add(order[bit]);
            }
        }
        try {
            Files.setPosixFilePermissions(path, permissions);
        } catch (IOException | UnsupportedOperationException e) {
            // a file system without POSIX modes keeps its defaults
        }
    }
}
