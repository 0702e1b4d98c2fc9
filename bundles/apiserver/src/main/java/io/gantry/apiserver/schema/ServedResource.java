package io.gantry.apiserver.schema;

import java.util.List;

/**
 * A resource the API serves, as the OpenAPI documents describe it.
 *
 * @param group        the API group, "" for the core group
 * @param version      the version, such as v1
 * @param kind         the kind of its objects, such as Deployment
 * @param resource     the plural resource name in URLs, such as deployments
 * @param namespaced   whether its objects live in namespaces
 * @param verbs        the verbs it answers: get, list, watch, create, update, patch, delete, deletecollection
 * @param subresources its subresources: status, scale, binding, eviction, finalize, log
 */
public record ServedResource(String group, String version, String kind, String resource, boolean namespaced,
                             List<String> verbs, List<String> subresources) {

    public ServedResource {
        verbs = List.copyOf(verbs);
        subresources = List.copyOf(subresources);
    }

    /** {@code v1} or {@code apps/v1}. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The URL prefix of its group-version without the leading slash: {@code api/v1}, {@code apis/apps/v1}. */
    public String groupVersionPath() {
        return group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
    }
}
