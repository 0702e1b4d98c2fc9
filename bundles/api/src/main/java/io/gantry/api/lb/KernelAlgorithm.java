package io.gantry.api.lb;

/**
 * An algorithm the kernel can run itself, per new connection, without asking the plugin: what a
 * proxy with a kernel datapath (nftables DNAT) needs to know to serve a service with no
 * userspace hop.
 */
public enum KernelAlgorithm {
    /** Each backend in turn: nftables {@code numgen inc mod N}. */
    ROUND_ROBIN,
    /** A backend at random: nftables {@code numgen random mod N}. */
    RANDOM
}
