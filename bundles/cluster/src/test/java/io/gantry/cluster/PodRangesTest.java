package io.gantry.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PodRangesTest {

    @Test
    void blocksComeInOrderAndNeverTwice() {
        PodRanges ranges = new PodRanges("127.64.0.0/11", 20);
        assertEquals(512, ranges.free());
        assertEquals(Optional.of("127.64.0.0/20"), ranges.allocate());
        assertEquals(Optional.of("127.64.16.0/20"), ranges.allocate());
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 510; i++) {
            assertTrue(all.add(ranges.allocate().orElseThrow()));
        }
        assertTrue(all.contains("127.95.240.0/20"), "the last block of 127.64.0.0/11");
        assertEquals(Optional.empty(), ranges.allocate(), "the cluster range is used up");
    }

    @Test
    void aRangeSetByHandTakesEveryBlockItOverlapsAndAReleasedBlockIsHandedOutAgain() {
        PodRanges ranges = new PodRanges("127.64.0.0/11", 20);
        ranges.occupy("127.64.0.0/16"); // sixteen blocks
        ranges.occupy("127.64.200.7/32"); // inside them anyway
        ranges.occupy("127.1.0.0/16"); // outside the cluster range: nothing
        ranges.occupy("10.0.0.0/8");
        ranges.occupy("fd00::/64");
        assertEquals(512 - 16, ranges.free());
        assertEquals(Optional.of("127.65.0.0/20"), ranges.allocate());
        ranges.release("127.64.16.0/20");
        assertEquals(Optional.of("127.64.16.0/20"), ranges.allocate());
    }

    @Test
    void badSettingsNameTheSetting() {
        IllegalArgumentException cidr = assertThrows(IllegalArgumentException.class, () -> new PodRanges("127.64.0.0", 20));
        assertEquals("clusterCIDR: Invalid value: \"127.64.0.0\": must be an IPv4 CIDR such as 127.64.0.0/11", cidr.getMessage());
        IllegalArgumentException mask = assertThrows(IllegalArgumentException.class, () -> new PodRanges("127.64.0.0/11", 8));
        assertEquals("nodeCIDRMaskSize: Invalid value: 8: must be between the prefix of clusterCIDR (11) and 30", mask.getMessage());
    }
}
