package io.gantry.proxy;

/**
 * An address the proxy listens on for a service port: a cluster IP and the service port, or the
 * node's address and a node port.
 *
 * @param protocol {@code TCP} or {@code UDP}
 */
record Frontend(String ip, int port, String protocol) {

    @Override
    public String toString() {
        return ip + ":" + port + "/" + protocol;
    }
}
