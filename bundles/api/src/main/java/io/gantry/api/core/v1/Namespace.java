package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;
import io.gantry.api.meta.v1.KubeObject;
import java.util.List;

/** Kubernetes {@code v1 Namespace}: a scope for names of namespaced objects. */
public class Namespace extends KubeObject {

    public Spec spec;
    public Status status;

    public Namespace() {
        super("v1", "Namespace");
    }

    public Namespace(String name) {
        this();
        metadata.name = name;
    }

    /** Kubernetes {@code NamespaceSpec}. */
    public static class Spec extends Extensible {
        public List<String> finalizers;
    }

    /** Kubernetes {@code NamespaceStatus}: {@code Active} or {@code Terminating}. */
    public static class Status extends Extensible {
        public String phase;

        public Status() {
        }

        public Status(String phase) {
            this.phase = phase;
        }
    }
}
