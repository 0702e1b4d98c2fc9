package io.gantry.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The REST paths of a kind, as kube-apiserver serves them: {@code /api/v1/...} for the core group,
 * {@code /apis/GROUP/VERSION/...} for the others, {@code namespaces/NS/} before the resource of
 * a namespaced kind, and a query string built from named parameters.
 */
final class ApiPaths {

    private ApiPaths() {
    }

    /**
     * The collection of a kind: of one namespace, or of every namespace (and of a cluster-scoped
     * kind) when {@code namespace} is null.
     */
    static String collection(String group, String version, String plural, boolean namespaced, String namespace) {
        StringBuilder path = new StringBuilder(group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version);
        if (namespaced && namespace != null && !namespace.isEmpty()) {
            path.append("/namespaces/").append(segment(namespace));
        }
        return path.append('/').append(plural).toString();
    }

    /** One object, with a subresource ({@code status}, {@code binding}) unless null. */
    static String object(String group, String version, String plural, boolean namespaced, String namespace, String name,
                         String subresource) {
        String path = collection(group, version, plural, namespaced, namespace) + "/" + segment(name);
        return subresource == null ? path : path + "/" + subresource;
    }

    /** A query string ({@code ?a=1&b=2}) of the parameters that have a value; empty when none has. */
    static String query(Map<String, String> parameters) {
        StringBuilder query = new StringBuilder();
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            if (parameter.getValue() == null || parameter.getValue().isEmpty()) {
                continue;
            }
            query.append(query.length() == 0 ? '?' : '&').append(parameter.getKey()).append('=')
                    .append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
        }
        return query.toString();
    }

    /** Parameters in the order given, for {@link #query}. */
    static Map<String, String> parameters(String... namesAndValues) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            parameters.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return parameters;
    }

    private static String segment(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a name or namespace in a path must not be empty");
        }
        // names are DNS labels and subdomains; anything else is escaped rather than misrouted
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
