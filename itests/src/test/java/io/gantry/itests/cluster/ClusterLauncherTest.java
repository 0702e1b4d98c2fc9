package io.gantry.itests.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.itests.Host;
import io.gantry.itests.Host.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@code ./gantry cluster} says when it cannot do what it is asked (no node is started here). */
class ClusterLauncherTest {

    private static final Path HOME = Path.of("target", "cluster-launcher-test").toAbsolutePath();

    @BeforeEach
    void empty() throws Exception {
        Host.run(new ProcessBuilder("rm", "-rf", HOME.toString()), Duration.ofSeconds(30), null);
    }

    @Test
    void upRefusesShapesThatCannotBe() throws Exception {
        Result none = cluster("up");
        assertEquals(1, none.exit(), none.toString());
        assertTrue(none.err().contains("usage: ./gantry cluster up N [--control-planes M]"), none.err());
        Result zero = cluster("up", "0");
        assertEquals(1, zero.exit(), zero.toString());
        Result more = cluster("up", "2", "--control-planes", "3");
        assertEquals(1, more.exit(), more.toString());
        assertTrue(more.err().contains("--control-planes must be from 1 to the number of nodes (2)"), more.err());
        assertTrue(Files.notExists(HOME.resolve("node-1")), "nothing was unpacked");
    }

    @Test
    void withoutAClusterTheCommandsSaySo() throws Exception {
        Result status = cluster("status");
        assertEquals(1, status.exit(), status.toString());
        assertTrue(status.err().contains("no cluster in " + HOME + ": ./gantry cluster up N"), status.err());
        Result kill = cluster("kill", "node-2");
        assertEquals(1, kill.exit(), kill.toString());
        Result down = cluster("down");
        assertEquals(0, down.exit(), down.toString());
        assertTrue(down.out().contains("no cluster in " + HOME), down.out());
        Result unknown = cluster("frobnicate");
        assertEquals(2, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("./gantry cluster up N"), "the usage: " + unknown.err());
    }

    @Test
    void nodesAreNamedByTheClusterAndStatusShowsStoppedOnes() throws Exception {
        // a cluster that ./gantry cluster up recorded and whose nodes are all stopped
        Files.createDirectories(HOME);
        Files.writeString(HOME.resolve("cluster"), "nodes=3\ncontrol_planes=1\nport_shift=16620\nprefix=node-\n"
                + "cluster_name=gantry\n");
        Result unknown = cluster("kill", "node-4");
        assertEquals(1, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("no node 'node-4' in this cluster: its nodes are node-1..node-3"), unknown.err());
        Result stopped = cluster("kill", "node-2");
        assertEquals(0, stopped.exit(), stopped.toString());
        assertEquals("gantry: node-2 is not running", stopped.out().strip());
        Result status = cluster("status");
        assertEquals(0, status.exit(), status.toString());
        List<String> lines = status.out().lines().toList();
        assertEquals(4, lines.size(), status.out());
        assertTrue(lines.get(0).matches("NODE +ROLE +JVM +API +READY"), lines.get(0));
        assertTrue(lines.get(1).matches("node-1 +control-plane +not running +http://127\\.0\\.0\\.1:24700 \\(no answer\\) +\\? \\(no API answers\\)"),
                lines.get(1));
        assertTrue(lines.get(3).matches("node-3 +worker +not running +- +\\? \\(no API answers\\)"), lines.get(3));
    }

    private static Result cluster(String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().addAll(List.of(LocalCluster.ROOT.resolve("gantry").toString(), "cluster"));
        builder.command().addAll(List.of(args));
        builder.directory(LocalCluster.ROOT.toFile());
        builder.environment().put("GANTRY_CLUSTER_HOME", HOME.toString());
        builder.environment().remove("GANTRY_NODE_PREFIX");
        builder.environment().remove("GANTRY_PORT_SHIFT");
        return Host.run(builder, Duration.ofSeconds(60), null);
    }
}
