package io.gantry.apiserver.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.apiserver.TestApiServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Kubernetes Python client (Debian's python3-kubernetes) doing CRUD, patch, watch
 * and scale through the server's kubeconfig, run by src/test/resources/e2e/python_client.py.
 */
class PythonClientTest {

    @TempDir
    Path dir;

    @Test
    void crudPatchWatchAndScale() throws Exception {
        Path script = dir.resolve("python_client.py");
        try (InputStream in = PythonClientTest.class.getResourceAsStream("/e2e/python_client.py")) {
            Files.copy(in, script);
        }
        Process probe = new ProcessBuilder(python(), "-c", "import kubernetes").redirectErrorStream(true).start();
        assertTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0, "the official Python client is "
                + "missing: apt-get install -y python3-kubernetes (as .ci/run does)");
        try (TestApiServer server = new TestApiServer(false)) {
            Path kubeconfig = server.kubeconfig(dir.resolve("kubeconfig"));
            Path out = dir.resolve("out.txt");
            Path err = dir.resolve("err.txt");
            Process python = new ProcessBuilder(python(), script.toString(), kubeconfig.toString(), "default")
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!python.waitFor(90, TimeUnit.SECONDS)) {
                python.destroyForcibly();
                throw new AssertionError("the Python client did not finish within 90 s:\n" + Files.readString(out)
                        + Files.readString(err));
            }
            String printed = Files.readString(out);
            assertEquals(0, python.exitValue(), printed + Files.readString(err));
            Map<String, String> steps = new LinkedHashMap<>();
            printed.lines().forEach(l -> steps.put(l.substring(0, l.indexOf(": ")), l.substring(l.indexOf(": ") + 2)));

            assertEquals("settings fast", steps.get("configmap created"));
            assertEquals("fast uid=yes", steps.get("configmap read"));
            assertEquals("settings", steps.get("configmap listed"));
            assertEquals("slow", steps.get("configmap replaced"));
            assertEquals("level=3,mode=slow", steps.get("configmap patched"), "a merge patch keeps the other keys");
            assertEquals("409", steps.get("configmap stale replace"));
            assertEquals("422", steps.get("configmap bad name"));
            assertEquals("web replicas=1 generation=1", steps.get("deployment created"));
            assertEquals("gantry/httpd:2.0 port=80 generation=2", steps.get("deployment patched"),
                    "a strategic merge patch keeps the container's ports");
            assertEquals("3", steps.get("deployment scaled"));
            assertEquals("Scale replicas=3", steps.get("scale read"));
            assertEquals("2", steps.get("scale replaced"));
            assertEquals("2", steps.get("deployment replicas"));
            assertEquals("MODIFIED settings,DELETED settings", steps.get("watch"));
            assertTrue(steps.get("deployment deleted").startsWith("404"), steps.toString());
        }
    }

    /** Debian's python3, which python3-kubernetes is installed for (a pyenv python3 first on the PATH lacks it). */
    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }
}
