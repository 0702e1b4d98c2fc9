package io.gantry.api.lb;

/** One ready endpoint of a service and how many proxied connections it has open now. */
public record Backend(String ip, int port, int activeConnections) {
}
