package io.gantry.apiserver;

import java.util.ArrayList;
import java.util.List;

/**
 * How a client asked for one write: {@code dryRun=All} (checked, never stored), its
 * {@code fieldManager}, {@code fieldValidation}, and where the warnings for its response go.
 */
public record WriteOptions(boolean dryRun, String fieldManager, FieldValidation validation, List<String> warnings) {

    /** The options of writes made inside the server by its own components. */
    public static WriteOptions internal() {
        return new WriteOptions(false, null, FieldValidation.IGNORE, new ArrayList<>());
    }

    /** The manager named in managed fields: the client's, or what kube-apiserver would derive. */
    public String managerOr(String fallback) {
        return fieldManager == null || fieldManager.isEmpty() ? fallback : fieldManager;
    }
}
