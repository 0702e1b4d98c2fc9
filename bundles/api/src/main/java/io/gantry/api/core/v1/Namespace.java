package io.gantry.api.core.v1;

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
    public static class Spec {
        public List<String> finalizers;
    }

    /** Kubernetes {@code NamespaceStatus}: {@code Active} or {@code Terminating}. */
    public static class Status {
        public String phase;

        public Status() {
        }

        public Status(String phase) {
            this.phase = phase;
        }
    }
}
