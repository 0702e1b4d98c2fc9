package io.gantry.api.runtime;

/**
 * A volume in a container.
 *
 * @param source a host path for {@link Type#BIND}; for {@link Type#MEMORY}, the volume's name,
 *               unique within the pod: every container of the pod that mounts the name shares
 *               one memory-backed file system, which lives as long as the sandbox
 */
public record Mount(Type type, String source, String containerPath, boolean readOnly) {

    /** Where a mount's files live. */
    public enum Type {
        BIND, MEMORY
    }
}
