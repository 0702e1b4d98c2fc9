package io.gantry.api.client;

import java.util.List;

/**
 * One kind as discovery describes it: what tools need to address it by any of its names.
 *
 * @param group the API group, empty for the core group
 * @param plural the resource name in URLs, e.g. {@code deployments}
 */
public record ApiResource(String group, String version, String plural, String singular, String kind,
                          boolean namespaced, List<String> shortNames, List<String> categories) {

    /** {@code v1} for the core group, {@code group/version} otherwise. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The resource as Kubernetes names it in messages: {@code pods}, {@code deployments.apps}. */
    public String qualifiedName() {
        return group.isEmpty() ? plural : plural + "." + group;
    }
}
