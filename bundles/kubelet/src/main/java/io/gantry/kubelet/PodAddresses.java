package io.gantry.kubelet;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Hands out pod IPs from the node's pod range, an IPv4 CIDR inside 127.0.0.0/8 (every Linux host
 * routes it to itself). The first two addresses are kept back (network and node), as are the
 * last; an address stays with its pod (by uid) until released. The range is configured, or
 * assigned once later (the Node's {@code spec.podCIDR}, from the control plane's node IPAM).
 */
final class PodAddresses {

    private String cidr;
    private long first;
    private long last;
    private final Map<String, Long> byPod = new HashMap<>();
    private final TreeSet<Long> taken = new TreeSet<>();

    /** @param cidr the node's range, or empty to wait for {@link #assign} */
    PodAddresses(String cidr) {
        if (cidr != null && !cidr.isBlank()) {
            assign(cidr);
        }
    }

    /** Sets the range if it has none yet; true if it was set now. */
    synchronized boolean assign(String cidr) {
        if (this.cidr != null) {
            return false;
        }
        String[] parts = cidr.trim().split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("podCIDR: Invalid value: \"" + cidr + "\": must be an IPv4 CIDR such as 127.1.0.0/16");
        }
        int prefix = Integer.parseInt(parts[1]);
        if (prefix < 8 || prefix > 29) {
            throw new IllegalArgumentException("podCIDR: Invalid value: \"" + cidr + "\": prefix must be between /8 and /29");
        }
        long base = toLong(parts[0]) & (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        this.cidr = fromLong(base) + "/" + prefix;
        this.first = base + 2;
        this.last = base + (1L << (32 - prefix)) - 2;
        return true;
    }

    /** The range, or null while none is assigned. */
    synchronized String cidr() {
        return cidr;
    }

    /** The pod's address: the one it has, else the lowest free one. */
    synchronized String allocate(String podUid) {
        Long existing = byPod.get(podUid);
        if (existing != null) {
            return fromLong(existing);
        }
        if (cidr == null) {
            throw new IllegalStateException("this node has no pod range (spec.podCIDR) yet");
        }
        for (long address = first; address <= last; address++) {
            if (!taken.contains(address)) {
                take(podUid, address);
                return fromLong(address);
            }
        }
        throw new IllegalStateException("no free pod IP left in " + cidr);
    }

    /** Records an address a pod already holds (found on a sandbox after a restart). */
    synchronized void adopt(String podUid, String ip) {
        if (cidr == null || ip == null || ip.isEmpty() || byPod.containsKey(podUid)) {
            return;
        }
        long address = toLong(ip);
        if (address >= first && address <= last && !taken.contains(address)) {
            take(podUid, address);
        }
    }

    synchronized void release(String podUid) {
        Long address = byPod.remove(podUid);
        if (address != null) {
            taken.remove(address);
        }
    }

    synchronized String addressOf(String podUid) {
        Long address = byPod.get(podUid);
        return address == null ? null : fromLong(address);
    }

    private void take(String podUid, long address) {
        byPod.put(podUid, address);
        taken.add(address);
    }

    private static long toLong(String ip) {
        String[] octets = ip.trim().split("\\.");
        if (octets.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip);
        }
        long value = 0;
        for (String octet : octets) {
            int part = Integer.parseInt(octet);
            if (part < 0 || part > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + ip);
            }
            value = value << 8 | part;
        }
        return value;
    }

    private static String fromLong(long value) {
        return (value >> 24 & 0xFF) + "." + (value >> 16 & 0xFF) + "." + (value >> 8 & 0xFF) + "." + (value & 0xFF);
    }
}
