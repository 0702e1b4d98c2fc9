package io.gantry.kubelet;

import static io.gantry.kubelet.KubectlCluster.awaitPod;
import static io.gantry.kubelet.KubectlCluster.create;
import static io.gantry.kubelet.KubectlCluster.kubectl;
import static io.gantry.kubelet.KubectlCluster.kubectlIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code kubectl exec} (1.33, WebSocket v5.channel.k8s.io; 1.29 and 1.27, SPDY/3.1) end to end:
 * through the real API server's servlet in Jetty to the kubelet's endpoint, which runs the command
 * in a container on the real Docker engine.
 */
@ExtendWith(KubectlCluster.PerClass.class)
class KubectlExecDockerTest {

    @BeforeAll
    static void createPods() throws Exception {
        create("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: shell
                spec:
                  nodeName: %s
                  containers:
                  - name: main
                    image: gantry/httpd:1.0
                    command: ["sh", "-c", "sleep 3600"]
                  - name: side
                    image: gantry/httpd:1.0
                    command: ["sh", "-c", "echo side > /tmp/who; sleep 3600"]
                """);
        awaitPod("shell", p -> p.status.containerStatuses != null && p.status.containerStatuses.size() == 2
                && p.status.containerStatuses.stream().allMatch(c -> c.state != null && c.state.running != null));
    }

    @Test
    void aCommandsOutputAndExitCode() throws Exception {
        KubectlCluster.Result hi = kubectl("exec", "shell", "-c", "main", "--", "echo", "hi");
        assertEquals(0, hi.code(), hi.err());
        assertEquals("hi\n", hi.out());

        KubectlCluster.Result side = kubectl("exec", "shell", "-c", "side", "--", "cat", "/tmp/who");
        assertEquals("side\n", side.out(), side.err());

        KubectlCluster.Result failing = kubectl("exec", "shell", "-c", "main", "--", "sh", "-c", "echo out; echo oops >&2; exit 3");
        assertEquals(3, failing.code(), "kubectl exits with the command's code: " + failing.err());
        assertEquals("out\n", failing.out());
        assertTrue(failing.err().startsWith("oops\n"), failing.err());
        assertTrue(failing.err().contains("command terminated with exit code 3"), failing.err());
    }

    @Test
    void standardInputUntilItsEnd() throws Exception {
        KubectlCluster.Result cat = kubectlIn("hello\nworld\n", "exec", "-i", "shell", "-c", "main", "--", "cat");
        assertEquals(0, cat.code(), cat.err());
        assertEquals("hello\nworld\n", cat.out());

        KubectlCluster.Result counted = kubectlIn("a\nb\nc\n", "exec", "-i", "shell", "-c", "main", "--", "wc", "-l");
        assertEquals("3", counted.out().trim(), counted.err());
    }

    @Test
    void refusalsInKubernetesWords() throws Exception {
        KubectlCluster.Result unknown = kubectl("exec", "shell", "-c", "nope", "--", "true");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("container nope is not valid for pod shell"), unknown.err());

        KubectlCluster.Result absent = kubectl("exec", "nobody", "--", "true");
        assertTrue(absent.err().contains("pods \"nobody\" not found"), absent.err());
    }

    @Test
    void olderKubectlExecsOverSpdy() throws Exception {
        // kubectl before 1.30 speaks SPDY/3.1 (v4.channel.k8s.io): the same outputs and exit codes
        for (String version : new String[] {"1.29", "1.27"}) {
            KubectlCluster.Result hi = KubectlCluster.kubectlVersion(version, "exec", "shell", "-c", "main", "--", "echo", "hi");
            assertEquals(0, hi.code(), version + ": " + hi.err());
            assertEquals("hi\n", hi.out(), version);

            KubectlCluster.Result failing = KubectlCluster.kubectlVersion(version, "exec", "shell", "-c", "main", "--",
                    "sh", "-c", "echo out; echo oops >&2; exit 3");
            assertEquals(3, failing.code(), version + ": kubectl exits with the command's code: " + failing.err());
            assertEquals("out\n", failing.out(), version);
            assertTrue(failing.err().startsWith("oops\n"), version + ": " + failing.err());
        }
    }
}
