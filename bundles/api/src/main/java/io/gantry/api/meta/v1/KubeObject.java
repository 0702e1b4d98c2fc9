package io.gantry.api.meta.v1;

/**
 * A top-level API object: {@code apiVersion}, {@code kind} and {@code metadata}, as every
 * Kubernetes object has. Subclasses set their own apiVersion and kind when constructed.
 */
public abstract class KubeObject extends Extensible {

    public String apiVersion;
    public String kind;
    public ObjectMeta metadata = new ObjectMeta();

    protected KubeObject(String apiVersion, String kind) {
        this.apiVersion = apiVersion;
        this.kind = kind;
    }

    /** The object's metadata, created empty if missing. */
    public ObjectMeta meta() {
        if (metadata == null) {
            metadata = new ObjectMeta();
        }
        return metadata;
    }
}
