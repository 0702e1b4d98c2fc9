package io.gantry.kubelet;

/** The labels the kubelet puts on what it asks a runtime to create, and finds it again by. */
final class Labels {

    static final String NODE = "io.gantry.node";
    static final String POD_NAMESPACE = "io.gantry.pod.namespace";
    static final String POD_NAME = "io.gantry.pod.name";
    static final String POD_UID = "io.gantry.pod.uid";
    static final String POD_IP = "io.gantry.pod.ip";
    static final String CONTAINER_NAME = "io.gantry.container.name";
    static final String CONTAINER_ATTEMPT = "io.gantry.container.attempt";

    private Labels() {
    }
}
