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
    void upWithoutADockerEngineSaysSoPlainlyAndHowToGetOne() throws Exception {
        Result result = gantry("unix:///nonexistent/docker.sock", "up");
        assertEquals(1, result.exit(), result.toString());
        assertTrue(result.err().contains("no Docker engine answers at unix:///nonexistent/docker.sock"), result.err());
        assertTrue(result.err().contains("./gantry engine"), result.err());
        assertTrue(result.err().contains("apt-get install -y docker.io"), result.err());
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
        for (String command : List.of("up", "down", "status", "shell", "logs", "engine", "images", "test")) {
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
