package io.gantry.api.lb;

/**
 * One ready endpoint of a service port and how many connections the proxy has open to it now.
 *
 * @param ip                the endpoint's address ({@code subsets[].addresses[].ip})
 * @param port              the endpoint's port ({@code subsets[].ports[].port})
 * @param activeConnections proxied connections (TCP) or flows (UDP) open to it on this node now
 */
public record Backend(String ip, int port, int activeConnections) {
}
