package io.gantry.api.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * The API untyped, as kubectl's dynamic client and discovery see it: any kind the server
 * serves, found by any of its names, objects as JSON trees, and {@code meta.k8s.io/v1} tables
 * with the columns the server prints. Tools such as the shell use it so that they need no code
 * per kind. Failures are {@link ApiException}s carrying the Kubernetes Status.
 */
public interface DynamicClient {

    /** Every kind served. */
    List<ApiResource> resources();

    /**
     * The kind a user means: a plural, singular, short name or kind, optionally
     * {@code plural.group}, case-insensitive.
     */
    Optional<ApiResource> resolve(String name);

    /** One object; 404 NotFound if absent. */
    ObjectNode get(ApiResource resource, String namespace, String name);

    /** A {@code <Kind>List} of one namespace, or of all when {@code namespace} is null. */
    ObjectNode list(ApiResource resource, String namespace, ListOptions options);

    /**
     * The table {@code kubectl get} prints: of one object when {@code name} is given, else of the
     * list; every column, with {@code priority} 1 for those shown only with {@code -o wide}.
     */
    ObjectNode table(ApiResource resource, String namespace, String name, ListOptions options);
}
