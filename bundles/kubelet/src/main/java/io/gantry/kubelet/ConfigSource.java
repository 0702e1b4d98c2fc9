package io.gantry.kubelet;

import io.gantry.api.core.v1.Service;
import java.util.List;
import java.util.Map;

/**
 * Where the kubelet reads the secrets and config maps a pod uses, and the services whose
 * variables its containers get, from a watch-fed cache.
 */
interface ConfigSource {

    /** The decoded data of a secret, or null if it does not exist. */
    Map<String, byte[]> secret(String namespace, String name);

    /** The data and binaryData of a config map, or null if it does not exist. */
    Map<String, byte[]> configMap(String namespace, String name);

    /** The services of a namespace, for the containers' service environment variables; none by default. */
    default List<Service> services(String namespace) {
        return List.of();
    }
}
