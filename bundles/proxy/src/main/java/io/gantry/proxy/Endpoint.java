package io.gantry.proxy;

/** A ready endpoint of a service port: an address of the Endpoints object and the port it serves. */
record Endpoint(String ip, int port) implements Comparable<Endpoint> {

    @Override
    public int compareTo(Endpoint other) {
        int byIp = ip.compareTo(other.ip);
        return byIp != 0 ? byIp : Integer.compare(port, other.port);
    }

    @Override
    public String toString() {
        return ip + ":" + port;
    }
}
