package io.gantry.kubelet;

import java.util.Map;

/** Where the kubelet reads the secrets and config maps a pod uses, from a watch-fed cache. */
interface ConfigSource {

    /** The decoded data of a secret, or null if it does not exist. */
    Map<String, byte[]> secret(String namespace, String name);

    /** The data and binaryData of a config map, or null if it does not exist. */
    Map<String, byte[]> configMap(String namespace, String name);
}
