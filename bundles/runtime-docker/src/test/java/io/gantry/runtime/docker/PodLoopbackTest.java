package io.gantry.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the pod loopback writes into a shell and into nft: nothing it was not made for. */
class PodLoopbackTest {

    @Test
    void thePodScriptKeepsTheHostOnlyRangeLocalAndRoutesTheRestThroughTheGateway() {
        String script = PodLoopback.podScript("172.17.0.1");
        assertTrue(script.contains("local 127.0.0.0/16 dev lo"), script);
        assertTrue(script.endsWith("ip route replace 127.0.0.0/8 via 172.17.0.1"), script);
        assertTrue(script.indexOf("route_localnet") < script.indexOf("ip route"), "the kernel sends 127/8 out only then");
    }

    @Test
    void aGatewayOrBridgeThatIsNoPlainNameIsRefusedBeforeAnyCommandRuns() {
        assertThrows(IllegalArgumentException.class, () -> PodLoopback.podScript("172.17.0.1; reboot"));
        assertThrows(IOException.class, () -> PodLoopback.prepare("docker0\"; flush ruleset; \""));
    }

    @Test
    void theHostGuardDropsWhatComesFromTheBridgeToTheHostOnlyRange() {
        String rules = PodLoopback.hostRules("docker0");
        assertTrue(rules.contains("iifname \"docker0\" ip daddr 127.0.0.0/16 drop"), rules);
        assertTrue(rules.contains("hook prerouting priority raw"), "before any NAT: " + rules);
    }

    @Test
    void theCommandIsResolvedAsKubernetesResolvesItFromThePodAndTheImage() {
        List<String> entrypoint = List.of("/entry");
        List<String> cmd = List.of("serve", "--port", "80");
        assertEquals(List.of("/entry", "serve", "--port", "80"), PodLoopback.resolve(null, null, entrypoint, cmd));
        assertEquals(List.of("/entry", "-v"), PodLoopback.resolve(List.of(), List.of("-v"), entrypoint, cmd));
        assertEquals(List.of("sh", "-c"), PodLoopback.resolve(List.of("sh", "-c"), null, entrypoint, cmd),
                "a command drops the image's CMD");
        assertEquals(List.of("sh", "-c", "date"), PodLoopback.resolve(List.of("sh", "-c"), List.of("date"), entrypoint, cmd));
        assertEquals(List.of(), PodLoopback.resolve(null, null, null, null));
    }

    @Test
    void onlyAStaticExecutableIsMountedIntoImagesThatHaveNoCLibrary() throws IOException {
        assertTrue(Elf.isStatic(Path.of("/bin/busybox")), "Debian's busybox-static");
        assertFalse(Elf.isStatic(Path.of("/bin/sh")), "dash needs the C library");
        assertFalse(Elf.isStatic(Path.of("/etc/hostname")), "no ELF file");
    }
}
