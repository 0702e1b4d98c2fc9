package io.gantry.cluster;

/**
 * The Hazelcast member attributes every Gantry member publishes, so that the others know which
 * node it is, where its API server answers and what it may do.
 */
final class MemberAttributes {

    /** The node's name, as its Node object and its kubelet have it. */
    static final String NODE = "gantry.node";
    /** The URL of the node's API server (http://host:port), on nodes that have one. */
    static final String API = "gantry.api";
    /** The node's roles, comma separated. */
    static final String ROLES = "gantry.roles";

    /** The role of nodes that may lead the scheduler and the controller manager. */
    static final String CONTROL_PLANE = "control-plane";
    /** The role of nodes that run pods. */
    static final String NODE_ROLE = "node";

    private MemberAttributes() {
    }
}
