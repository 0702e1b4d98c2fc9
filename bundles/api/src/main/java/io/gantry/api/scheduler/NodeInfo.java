package io.gantry.api.scheduler;

/**
 * A node as the scheduler sees it: what it can hold and what the pods bound (or about to be
 * bound) to it request, kept up to date as pods come and go, so that reading it costs nothing.
 * Quantities are CPU in millicores and memory and storage in bytes; an allocatable of 0 means
 * the node does not say.
 */
public interface NodeInfo {

    String name();

    /** The value of one of the node's labels, or null. */
    String label(String key);

    long allocatableMilliCpu();

    long allocatableMemory();

    long allocatableEphemeralStorage();

    /** How many pods the node takes ({@code status.allocatable.pods}). */
    long allocatablePods();

    /** The sum of the requests of the node's pods, as {@link PodInfo#milliCpu} counts them. */
    long requestedMilliCpu();

    long requestedMemory();

    long requestedEphemeralStorage();

    /** The sum of the node's pods' {@link PodInfo#nonZeroMilliCpu}. */
    long nonZeroRequestedMilliCpu();

    /** The sum of the node's pods' {@link PodInfo#nonZeroMemory}. */
    long nonZeroRequestedMemory();

    /** How many pods are on the node. */
    int podCount();

    /** How many of the node's pods have this controller uid ({@link PodInfo#controllerUid}). */
    int podsOfController(String controllerUid);
}
