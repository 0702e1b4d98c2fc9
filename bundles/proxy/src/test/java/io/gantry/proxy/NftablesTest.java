package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.lb.KernelAlgorithm;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The nft scripts of the kernel datapath, without a kernel (ServiceProxyKernelTest runs them). */
class NftablesTest {

    private static final Frontend WEB = new Frontend("127.10.0.5", 80, "TCP");
    private static final Endpoint B0 = new Endpoint("127.2.0.1", 8080);
    private static final Endpoint B1 = new Endpoint("127.2.0.2", 8080);

    @Test
    void aPortWithoutAffinityIsOneDnatRulePerHook() {
        Nftables.Ruleset rules = Nftables.Ruleset.of(List.of(
                new KernelRule("default/web/TCP", List.of(WEB), List.of(B0, B1), KernelAlgorithm.RANDOM, 0)));

        assertEquals(List.of("ip daddr 127.10.0.5 tcp dport 80 dnat ip to numgen random mod 2 map"
                + " { 0 : 127.2.0.1 . 8080, 1 : 127.2.0.2 . 8080 }"), rules.hook());
        assertTrue(rules.chains().isEmpty());
        assertTrue(rules.sets().isEmpty());
    }

    @Test
    void affinityIsASetPerEndpointLookedUpBeforeTheAlgorithm() {
        Nftables.Ruleset rules = Nftables.Ruleset.of(List.of(
                new KernelRule("default/web/TCP", List.of(WEB), List.of(B0, B1), KernelAlgorithm.ROUND_ROBIN, 60)));

        assertEquals(2, rules.sets().size());
        rules.sets().values().forEach(timeout -> assertEquals(60, timeout));
        String service = rules.hook().get(0).substring(rules.hook().get(0).indexOf("goto ") + 5);
        List<String> lookups = rules.chains().get(service);
        assertEquals(3, lookups.size(), lookups::toString);
        assertTrue(lookups.get(0).matches("ip saddr @aff-\\w+ goto ep-\\w+"), lookups.get(0));
        assertTrue(lookups.get(2).startsWith("numgen inc mod 2 vmap { 0 : goto ep-"), lookups.get(2));
        String set = lookups.get(0).split(" ")[2].substring(1);
        String endpoint = lookups.get(0).split(" ")[4];
        assertEquals(List.of("update @" + set + " { ip saddr } meta l4proto tcp dnat ip to 127.2.0.1:8080"),
                rules.chains().get(endpoint));
    }

    @Test
    void aChangeKeepsTheSetsOfEndpointsThatStayAndDeletesTheOthers() {
        Nftables.Ruleset two = Nftables.Ruleset.of(List.of(
                new KernelRule("default/web/TCP", List.of(WEB), List.of(B0, B1), KernelAlgorithm.ROUND_ROBIN, 60)));
        Nftables.Ruleset one = Nftables.Ruleset.of(List.of(
                new KernelRule("default/web/TCP", List.of(WEB), List.of(B0), KernelAlgorithm.ROUND_ROBIN, 60)));
        String kept = one.sets().keySet().iterator().next();
        String gone = two.sets().keySet().stream().filter(set -> !set.equals(kept)).findFirst().orElseThrow();

        String script = Nftables.script("t", two, one);

        assertFalse(script.contains("delete set ip t " + kept), script);
        assertTrue(script.contains("delete set ip t " + gone + "\n"), script);
        assertTrue(script.contains("add set ip t " + kept + " { type ipv4_addr; flags dynamic,timeout; timeout 60s; }"), script);
        assertTrue(script.indexOf("flush chain ip t " + gone.replace("aff-", "ep-"))
                < script.indexOf("delete chain ip t " + gone.replace("aff-", "ep-")), script);
        assertFalse(script.contains("flush table"), "a flush of the table would empty every set: " + script);
    }
}
