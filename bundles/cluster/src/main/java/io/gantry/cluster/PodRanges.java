package io.gantry.cluster;

import java.util.BitSet;
import java.util.Optional;

/**
 * The pod ranges of the cluster, as Kubernetes' range allocator keeps them: the cluster range
 * ({@code clusterCIDR}) cut into blocks of one size ({@code nodeCIDRMaskSize}); a block is taken
 * while any node's range overlaps it, so a range set by hand (a kubelet's configured podCIDR) is
 * never handed out again in part. IPv4 only. Not thread-safe.
 */
final class PodRanges {

    private final long base;
    private final int blockSize;
    private final int blocks;
    private final String cidr;
    private final int maskSize;
    private final BitSet taken = new BitSet();

    /**
     * @throws IllegalArgumentException naming the setting when the range or the size is not valid
     */
    PodRanges(String clusterCidr, int maskSize) {
        long[] range = parse("clusterCIDR", clusterCidr);
        int prefix = (int) range[1];
        if (maskSize < prefix || maskSize > 30) {
            throw new IllegalArgumentException("nodeCIDRMaskSize: Invalid value: " + maskSize
                    + ": must be between the prefix of clusterCIDR (" + prefix + ") and 30");
        }
        if (maskSize - prefix > 24) {
            throw new IllegalArgumentException("nodeCIDRMaskSize: Invalid value: " + maskSize
                    + ": more than 2^24 node ranges in clusterCIDR " + clusterCidr);
        }
        this.base = range[0];
        this.blockSize = 1 << (32 - maskSize);
        this.blocks = 1 << (maskSize - prefix);
        this.cidr = format(base) + "/" + prefix;
        this.maskSize = maskSize;
    }

    /** Marks every block that a node's range overlaps; ranges outside the cluster range change nothing. */
    void occupy(String nodeCidr) {
        mark(nodeCidr, true);
    }

    /** Frees the blocks a removed node's range overlapped. */
    void release(String nodeCidr) {
        mark(nodeCidr, false);
    }

    /** Takes the lowest free block, or empty when the cluster range is used up. */
    Optional<String> allocate() {
        int free = taken.nextClearBit(0);
        if (free >= blocks) {
            return Optional.empty();
        }
        taken.set(free);
        return Optional.of(format(base + (long) free * blockSize) + "/" + maskSize);
    }

    int free() {
        return blocks - taken.cardinality();
    }

    @Override
    public String toString() {
        return cidr + " in /" + maskSize + " blocks";
    }

    private void mark(String nodeCidr, boolean value) {
        long[] range;
        try {
            range = parse("podCIDR", nodeCidr);
        } catch (IllegalArgumentException e) {
            return; // not IPv4: not of this range
        }
        long start = range[0];
        long end = start + (1L << (32 - range[1])) - 1;
        long clusterEnd = base + (long) blocks * blockSize - 1;
        if (end < base || start > clusterEnd) {
            return;
        }
        int first = (int) ((Math.max(start, base) - base) / blockSize);
        int last = (int) ((Math.min(end, clusterEnd) - base) / blockSize);
        taken.set(first, last + 1, value);
    }

    /** {base address, prefix length} of an IPv4 CIDR, the base masked to the prefix. */
    private static long[] parse(String field, String cidr) {
        String[] parts = cidr == null ? new String[0] : cidr.trim().split("/");
        String[] octets = parts.length == 2 ? parts[0].split("\\.") : new String[0];
        if (octets.length != 4 || !parts[1].matches("[0-9]{1,2}") || Integer.parseInt(parts[1]) > 32) {
            throw new IllegalArgumentException(field + ": Invalid value: \"" + cidr + "\": must be an IPv4 CIDR such as 127.64.0.0/11");
        }
        long address = 0;
        for (String octet : octets) {
            if (!octet.matches("[0-9]{1,3}") || Integer.parseInt(octet) > 255) {
                throw new IllegalArgumentException(field + ": Invalid value: \"" + cidr + "\": must be an IPv4 CIDR such as 127.64.0.0/11");
            }
            address = address << 8 | Integer.parseInt(octet);
        }
        int prefix = Integer.parseInt(parts[1]);
        long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        return new long[] {address & mask, prefix};
    }

    private static String format(long value) {
        return (value >> 24 & 0xFF) + "." + (value >> 16 & 0xFF) + "." + (value >> 8 & 0xFF) + "." + (value & 0xFF);
    }
}
