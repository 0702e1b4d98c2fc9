package io.gantry.apiserver.registry;

/** How the names of a kind are checked, as Kubernetes' ValidateObjectMeta name functions do. */
public enum NameRule {
    /** An RFC 1123 subdomain: most kinds. */
    DNS1123_SUBDOMAIN,
    /** An RFC 1123 label: namespaces, services. */
    DNS1123_LABEL,
    /** Anything that is a valid path segment (no '/', '%', not '.' or '..'): events, nodes' leases. */
    PATH_SEGMENT
}
