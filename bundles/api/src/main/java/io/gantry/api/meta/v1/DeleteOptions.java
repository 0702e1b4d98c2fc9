package io.gantry.api.meta.v1;

import java.util.List;

/** Kubernetes {@code DeleteOptions}: grace period, propagation and preconditions of a delete. */
public class DeleteOptions extends Extensible {

    public String kind = "DeleteOptions";
    public String apiVersion = "v1";
    public Long gracePeriodSeconds;
    public String propagationPolicy;
    public Preconditions preconditions;
    public List<String> dryRun;

    /** Kubernetes {@code Preconditions}: a delete happens only if uid and version still match. */
    public static class Preconditions extends Extensible {
        public String uid;
        public String resourceVersion;
    }

    /** Options that delete at once, without a grace period. */
    public static DeleteOptions immediately() {
        DeleteOptions options = new DeleteOptions();
        options.gracePeriodSeconds = 0L;
        return options;
    }
}
