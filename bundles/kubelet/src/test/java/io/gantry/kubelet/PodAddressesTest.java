package io.gantry.kubelet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PodAddressesTest {

    @Test
    void handsOutTheLowestFreeAddressAndKeepsItPerPod() {
        PodAddresses addresses = new PodAddresses("127.1.0.0/16");
        assertEquals("127.1.0.2", addresses.allocate("a"));
        assertEquals("127.1.0.3", addresses.allocate("b"));
        assertEquals("127.1.0.2", addresses.allocate("a"), "a pod keeps its address");
        addresses.release("a");
        assertEquals("127.1.0.2", addresses.allocate("c"), "a released address is reused");
    }

    @Test
    void adoptsAddressesFoundOnSandboxes() {
        PodAddresses addresses = new PodAddresses("127.1.0.0/16");
        addresses.adopt("old", "127.1.0.2");
        assertEquals("127.1.0.2", addresses.addressOf("old"));
        assertEquals("127.1.0.3", addresses.allocate("new"));
        addresses.adopt("stranger", "10.0.0.1");
        assertEquals(null, addresses.addressOf("stranger"), "addresses outside the range are not adopted");
    }

    @Test
    void aSmallRangeRunsOut() {
        PodAddresses addresses = new PodAddresses("127.9.9.0/29");
        for (int i = 0; i < 5; i++) {
            addresses.allocate("p" + i);
        }
        IllegalStateException full = assertThrows(IllegalStateException.class, () -> addresses.allocate("one-too-many"));
        assertEquals("no free pod IP left in 127.9.9.0/29", full.getMessage());
    }

    @Test
    void rejectsWhatIsNotACidr() {
        assertThrows(IllegalArgumentException.class, () -> new PodAddresses("127.1.0.0"));
        assertThrows(IllegalArgumentException.class, () -> new PodAddresses("127.1.0.0/31"));
        assertEquals("127.1.0.0/16", new PodAddresses("127.1.2.3/16").cidr());
    }

    @Test
    void withoutARangeNoAddressIsGivenUntilOneIsAssignedOnce() {
        PodAddresses addresses = new PodAddresses("");
        assertNull(addresses.cidr());
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> addresses.allocate("pod-1"));
        assertEquals("this node has no pod range (spec.podCIDR) yet", none.getMessage());
        assertTrue(addresses.assign("127.64.16.0/20"));
        assertFalse(addresses.assign("127.64.32.0/20"), "a node's range is set once");
        assertEquals("127.64.16.0/20", addresses.cidr());
        assertEquals("127.64.16.2", addresses.allocate("pod-1"));
    }
}
