package io.gantry.apiserver.kinds.service;

/**
 * Where services get their addresses: the cluster IP range (an IPv4 CIDR, kube-apiserver's
 * {@code --service-cluster-ip-range}) and the node port range ({@code --service-node-port-range}).
 * Every API server of a cluster must be given the same ranges.
 *
 * @param base the range's first address, as an int
 * @param size how many addresses the range has
 */
public record ServiceRanges(String clusterIPRange, int base, int size, int nodePortMin, int nodePortMax) {

    /** Gantry's defaults: 127.96.0.0/16, inside the loopback range every host routes to itself, and 30000-32767. */
    public static final ServiceRanges DEFAULT = parse("127.96.0.0/16", "30000-32767");

    /**
     * Ranges from their configured forms.
     *
     * @throws IllegalArgumentException naming what is wrong with either
     */
    public static ServiceRanges parse(String clusterIPRange, String nodePortRange) {
        String cidr = clusterIPRange.trim();
        int slash = cidr.indexOf('/');
        Integer address = slash < 0 ? null : ServiceAllocation.parse(cidr.substring(0, slash));
        int bits;
        try {
            bits = slash < 0 ? -1 : Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            bits = -1;
        }
        // at least 8 addresses, as kube-apiserver asks of an IPv4 service range
        if (address == null || bits < 1 || bits > 29) {
            throw new IllegalArgumentException("service cluster IP range '" + clusterIPRange
                    + "' is not an IPv4 CIDR of at least 8 addresses (e.g. 127.96.0.0/16)");
        }
        int size = 1 << (32 - bits);
        int base = address & -size;
        String[] ports = nodePortRange.trim().split("-");
        int min;
        int max;
        try {
            min = Integer.parseInt(ports[0].trim());
            max = ports.length == 2 ? Integer.parseInt(ports[1].trim()) : -1;
        } catch (NumberFormatException e) {
            min = -1;
            max = -1;
        }
        if (ports.length != 2 || min < 1 || max > 65535 || min > max) {
            throw new IllegalArgumentException("service node port range '" + nodePortRange
                    + "' is not FIRST-LAST within 1-65535 (e.g. 30000-32767)");
        }
        return new ServiceRanges(ServiceAllocation.format(base) + "/" + bits, base, size, min, max);
    }

    /** True if the address (an int) is in the cluster IP range. */
    boolean contains(int ip) {
        return ip - base >= 0 && ip - base < size;
    }
}
