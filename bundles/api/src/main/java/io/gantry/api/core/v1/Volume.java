package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;
import java.util.List;

/** Kubernetes {@code Volume}: a named volume of a pod; exactly one source is set. */
public class Volume extends Extensible {

    public String name;
    public EmptyDirVolumeSource emptyDir;
    public HostPathVolumeSource hostPath;
    public SecretVolumeSource secret;
    public ConfigMapVolumeSource configMap;
    public DownwardAPIVolumeSource downwardAPI;

    public Volume() {
    }

    public Volume(String name) {
        this.name = name;
    }

    /** Kubernetes {@code EmptyDirVolumeSource}: a fresh folder per pod; {@code medium: Memory} for tmpfs. */
    public static class EmptyDirVolumeSource extends Extensible {
        public String medium;
        public String sizeLimit;
    }

    /** Kubernetes {@code HostPathVolumeSource}: a file or folder of the node. */
    public static class HostPathVolumeSource extends Extensible {
        public String path;
        /** {@code ""}, {@code DirectoryOrCreate}, {@code Directory}, {@code FileOrCreate}, {@code File}, ... */
        public String type;
    }

    /** Kubernetes {@code SecretVolumeSource}: a secret's keys as files. */
    public static class SecretVolumeSource extends Extensible {
        public String secretName;
        public List<KeyToPath> items;
        public Integer defaultMode;
        public Boolean optional;
    }

    /** Kubernetes {@code ConfigMapVolumeSource}: a config map's keys as files. */
    public static class ConfigMapVolumeSource extends Extensible {
        public String name;
        public List<KeyToPath> items;
        public Integer defaultMode;
        public Boolean optional;
    }

    /** Kubernetes {@code DownwardAPIVolumeSource}: pod fields as files. */
    public static class DownwardAPIVolumeSource extends Extensible {
        public List<DownwardAPIVolumeFile> items;
        public Integer defaultMode;
    }

    /** Kubernetes {@code DownwardAPIVolumeFile}: one file of a downward API volume. */
    public static class DownwardAPIVolumeFile extends Extensible {
        public String path;
        public ObjectFieldSelector fieldRef;
        public ResourceFieldSelector resourceFieldRef;
        public Integer mode;
    }

    /** Kubernetes {@code KeyToPath}: one key as a file at a path, with a mode. */
    public static class KeyToPath extends Extensible {
        public String key;
        public String path;
        public Integer mode;

        public KeyToPath() {
        }

        public KeyToPath(String key, String path) {
            this.key = key;
            this.path = path;
        }
    }
}
