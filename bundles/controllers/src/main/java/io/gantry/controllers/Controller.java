package io.gantry.controllers;

/**
 * One control loop of the controller manager (replication, deployments, endpoints, ...). The
 * manager makes a fresh one each time this node starts leading and closes it when the node stops,
 * so a controller holds no state across terms: it rebuilds what it needs from the informers.
 */
public interface Controller extends AutoCloseable {

    /** Makes a controller for one term of leadership. */
    @FunctionalInterface
    interface Factory {
        Controller create(ControllerContext context);
    }

    /** The controller's name as Kubernetes names it ({@code replicaset-controller}); events carry it. */
    String name();

    /** Starts watching and reconciling; the shared informers it asks for may still be syncing. */
    void start();

    /** Stops at once: no write after this returns. */
    @Override
    void close();
}
