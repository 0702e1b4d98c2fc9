package io.gantry.runtime.process;

/**
 * A pod sandbox of the process runtime: a folder with this record in its state file. Host
 * processes share the host's network, so the sandbox holds no network of its own; the pod IP is
 * what its containers bind.
 */
record SandboxRecord(String id, String nodeName, String namespace, String podName, String podUid, int attempt,
                     String runtimeHandler, String hostname, String podIp, int firstPort, long createdAt,
                     boolean stopped) {

    SandboxRecord stop() {
        return new SandboxRecord(id, nodeName, namespace, podName, podUid, attempt, runtimeHandler, hostname, podIp,
                firstPort, createdAt, true);
    }
}
