package io.gantry.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Volume;
import io.gantry.api.core.v1.VolumeMount;
import io.gantry.api.runtime.Mount;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Volume folders and the files of secret and configMap volumes, kept in step with their sources. */
class PodVolumesTest {

    @TempDir
    Path root;

    private final Map<String, Map<String, byte[]>> configMaps = new HashMap<>();
    private final ConfigSource config = new ConfigSource() {
        @Override
        public Map<String, byte[]> secret(String namespace, String name) {
            return null;
        }

        @Override
        public Map<String, byte[]> configMap(String namespace, String name) {
            return configMaps.get(name);
        }
    };

    @Test
    void configMapKeysBecomeFilesWithTheirModesAndFollowChanges() throws Exception {
        configMaps.put("cm", Map.of("a", bytes("1"), "b", bytes("2")));
        Pod pod = Fixtures.pod("Always", "c");
        Volume volume = new Volume("conf");
        volume.configMap = new Volume.ConfigMapVolumeSource();
        volume.configMap.name = "cm";
        volume.configMap.defaultMode = 0640;
        pod.spec.volumes = List.of(volume);
        Container container = pod.spec.containers.get(0);
        container.volumeMounts = List.of(new VolumeMount("conf", "/etc/conf"));
        PodVolumes volumes = new PodVolumes(root, config);

        List<Mount> mounts = volumes.mounts(pod, container, "127.1.0.2", "127.0.0.1", Map.of());
        assertEquals(1, mounts.size());
        assertTrue(mounts.get(0).readOnly(), "configMap volumes are read-only");
        Path folder = Path.of(mounts.get(0).source());
        assertEquals("1", Files.readString(folder.resolve("a")));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("b"))));

        configMaps.put("cm", Map.of("a", bytes("changed")));
        volumes.refresh(pod, "127.1.0.2", "127.0.0.1", Map.of());
        assertEquals("changed", Files.readString(folder.resolve("a")));
        assertFalse(Files.exists(folder.resolve("b")), "a key that is gone takes its file along");

        volumes.remove(pod.metadata.uid);
        assertFalse(Files.exists(folder));
    }

    @Test
    void aMissingSourceOrVolumeSaysWhich() {
        Pod pod = Fixtures.pod("Always", "c");
        Volume volume = new Volume("conf");
        volume.configMap = new Volume.ConfigMapVolumeSource();
        volume.configMap.name = "absent";
        pod.spec.volumes = List.of(volume);
        Container container = pod.spec.containers.get(0);
        container.volumeMounts = List.of(new VolumeMount("conf", "/etc/conf"));
        PodVolumes volumes = new PodVolumes(root, config);
        PodSetupException e = assertThrows(PodSetupException.class,
                () -> volumes.mounts(pod, container, null, null, Map.of()));
        assertEquals("MountVolume.SetUp failed for volume \"conf\" : configmap \"absent\" not found", e.getMessage());
        container.volumeMounts = List.of(new VolumeMount("nope", "/x"));
        assertEquals("volumeMounts: volume \"nope\" is not among the pod's volumes",
                assertThrows(PodSetupException.class, () -> volumes.mounts(pod, container, null, null, Map.of())).getMessage());
    }

    @Test
    void emptyDirsAreFoldersOrMemory() {
        Pod pod = Fixtures.pod("Always", "c");
        Volume disk = new Volume("disk");
        disk.emptyDir = new Volume.EmptyDirVolumeSource();
        Volume memory = new Volume("mem");
        memory.emptyDir = new Volume.EmptyDirVolumeSource();
        memory.emptyDir.medium = "Memory";
        pod.spec.volumes = List.of(disk, memory);
        Container container = pod.spec.containers.get(0);
        container.volumeMounts = List.of(new VolumeMount("disk", "/d"), new VolumeMount("mem", "/m"));
        List<Mount> mounts = new PodVolumes(root, config).mounts(pod, container, null, null, Map.of());
        assertEquals(Mount.Type.BIND, mounts.get(0).type());
        assertTrue(Files.isDirectory(Path.of(mounts.get(0).source())));
        assertEquals(new Mount(Mount.Type.MEMORY, "mem", "/m", false), mounts.get(1));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
