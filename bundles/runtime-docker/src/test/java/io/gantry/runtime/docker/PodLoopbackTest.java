package io.gantry.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    void theWaiterRunsItsCommandOnceWokenAndNotBefore() throws Exception {
        // the host's main routing table has no route to 127.0.0.0 (it is in the local table): only the signal wakes it
        Process waiter = waiter(60, "echo", "ran");
        Instant deadline = Instant.now().plusSeconds(20);
        while (waiter.isAlive() && Instant.now().isBefore(deadline)) {
            // until the trap is set, the signal is ignored: sent until it is heard
            new ProcessBuilder("kill", "-s", PodLoopback.WAKE, String.valueOf(waiter.pid())).start().waitFor();
            waiter.waitFor(50, TimeUnit.MILLISECONDS);
        }
        assertFalse(waiter.isAlive(), "woken long before its limit of 60 s");
        assertEquals("ran", new String(waiter.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
        assertEquals(0, waiter.exitValue());
    }

    @Test
    void aWaiterNobodyWakesRunsItsCommandAtItsLimitAndAMissingCommandFailsAsAStart() throws Exception {
        Process waiter = waiter(1, "no-such-command");
        assertTrue(waiter.waitFor(20, TimeUnit.SECONDS), "ran after its limit of 1 s");
        assertEquals(128, waiter.exitValue());
        assertTrue(new String(waiter.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .contains("exec: \"no-such-command\": executable file not found in $PATH"));
    }

    /** The waiter as a one-container pod's container runs it, with the host's busybox. */
    private static Process waiter(int seconds, String... command) throws IOException {
        List<String> run = new ArrayList<>(List.of("/bin/busybox", "sh", "-c", PodLoopback.waitScript("/bin/busybox", seconds),
                "gantry-wait-for-routes"));
        run.addAll(List.of(command));
        return new ProcessBuilder(run).redirectErrorStream(true).start();
    }

    @Test
    void onlyAStaticExecutableIsMountedIntoImagesThatHaveNoCLibrary() throws IOException {
        assertTrue(Elf.isStatic(Path.of("/bin/busybox")), "Debian's busybox-static");
        assertFalse(Elf.isStatic(Path.of("/bin/sh")), "dash needs the C library");
        assertFalse(Elf.isStatic(Path.of("/etc/hostname")), "no ELF file");
    }
}
