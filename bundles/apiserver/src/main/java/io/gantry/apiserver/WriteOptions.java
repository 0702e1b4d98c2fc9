package io.gantry.apiserver;

import io.gantry.api.cluster.LeaderElection;
import java.util.ArrayList;
import java.util.List;

/**
 * How a client asked for one write: {@code dryRun=All} (checked, never stored), its
 * {@code fieldManager}, {@code fieldValidation}, where the warnings for its response go, and the
 * leader term it writes in ({@link io.gantry.api.client.ApiClient#fencedBy}), or null.
 */
public record WriteOptions(boolean dryRun, String fieldManager, FieldValidation validation, List<String> warnings,
                           LeaderElection.Term fence) {

    public WriteOptions(boolean dryRun, String fieldManager, FieldValidation validation, List<String> warnings) {
        this(dryRun, fieldManager, validation, warnings, null);
    }

    /** The options of writes made inside the server by its own components. */
    public static WriteOptions internal() {
        return new WriteOptions(false, "gantry", FieldValidation.IGNORE, new ArrayList<>());
    }

    /** The same options, for a write of a leader in the given term. */
    public WriteOptions fencedBy(LeaderElection.Term term) {
        return new WriteOptions(dryRun, fieldManager, validation, warnings, term);
    }

    /** The manager named in managed fields: the client's, or what kube-apiserver would derive. */
    public String managerOr(String fallback) {
        return fieldManager == null || fieldManager.isEmpty() ? fallback : fieldManager;
    }
}
