package io.gantry.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import io.gantry.itests.Host.Result;
import org.junit.jupiter.api.Test;

/** What ./gantry says when it cannot do its job (the node it starts is the distribution DistributionTest drives). */
class LauncherTest {

    private static final Path ROOT = Path.of(System.getProperty("gantry.root", "..")).toAbsolutePath().normalize();
    private static final Path HOME = Path.of("target/launcher-test").toAbsolutePath();

    @Test
    void withoutADockerEngineTheNodeStartsWithTheProcessRuntimeAndTheLauncherSaysHowToGetDocker() throws Exception {
        // a DOCKER_HOST nobody answers on is no engine, and the launcher may not install one for it
        Result result = gantry("unix:///nonexistent/docker.sock", "runtime");
        assertEquals(0, result.exit(), result.toString());
        assertEquals(1, result.out().lines().count(), "one line: " + result.out());
        assertTrue(result.out().startsWith("gantry: no Docker engine answers at unix:///nonexistent/docker.sock, so the "
                + "node starts with the process runtime"), result.out());
        assertTrue(result.out().contains("./gantry engine"), result.out());
        assertTrue(result.out().contains("apt-get install -y docker.io"), result.out());
        Result withEngine = gantry(null, "runtime");
        assertTrue(withEngine.out().startsWith("gantry: docker: "), withEngine.out());
    }

    @Test
    void testStillNeedsTheEngine() throws Exception {
        Result result = gantry("unix:///nonexistent/docker.sock", "test");
        assertEquals(1, result.exit(), result.toString());
        assertTrue(result.err().contains("no Docker engine answers at unix:///nonexistent/docker.sock"), result.err());
        assertTrue(Files.notExists(HOME.resolve("bin")), "nothing was unpacked");
    }

    @Test
    void statusAndShellWithoutANodeSaySo() throws Exception {
        Result status = gantry(null, "status");
        assertEquals(1, status.exit(), status.toString());
        assertTrue(status.out().contains("no node running"), status.out());
        Result shell = gantry(null, "shell", "gantry:get pods");
        assertEquals(1, shell.exit(), shell.toString());
        assertTrue(shell.err().contains("no node is running: ./gantry up"), shell.err());
    }

    @Test
    void helpListsTheCommandsAndAnUnknownOneFails() throws Exception {
        Result help = gantry(null, "help");
        assertEquals(0, help.exit());
        for (String command : List.of("up", "down", "status", "shell", "logs", "engine", "runtime", "images", "test",
                "cluster up", "cluster status", "cluster kill", "cluster start", "cluster down")) {
            assertTrue(help.out().contains("./gantry " + command), help.out());
        }
        assertEquals(2, gantry(null, "frobnicate").exit());
    }

    private static Result gantry(String dockerHost, String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().add(ROOT.resolve("gantry").toString());
        builder.command().addAll(List.of(args));
        builder.directory(ROOT.toFile());
        builder.environment().put("GANTRY_HOME", HOME.toString());
        if (dockerHost != null) {
            builder.environment().put("DOCKER_HOST", dockerHost);
        }
        return Host.run(builder, Duration.ofSeconds(60), null);
    }
}
