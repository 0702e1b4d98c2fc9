package io.gantry.kubelet;

import java.util.Map;

/** A kubelet's config source for tests whose pods mount no secret or config map: it knows none, and needs no informers. */
final class NoConfigSource implements ConfigSource {

    @Override
    public Map<String, byte[]> secret(String namespace, String name) {
        return null;
    }

    @Override
    public Map<String, byte[]> configMap(String namespace, String name) {
        return null;
    }
}
