package io.gantry.kubelet;

import static io.gantry.kubelet.KubectlCluster.LONG;
import static io.gantry.kubelet.KubectlCluster.awaitPod;
import static io.gantry.kubelet.KubectlCluster.command;
import static io.gantry.kubelet.KubectlCluster.create;
import static io.gantry.kubelet.KubectlCluster.dir;
import static io.gantry.kubelet.KubectlCluster.get;
import static io.gantry.kubelet.KubectlCluster.kubectl;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.kubelet.KubectlCluster.Response;
import io.gantry.kubelet.KubectlCluster.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code kubectl logs} (1.33) end to end: the real API server's servlet in Jetty over an
 * in-memory store, a real kubelet with its endpoint, and the Docker runtime on the real engine.
 */
@ExtendWith(KubectlCluster.PerClass.class)
class KubectlLogsDockerTest {

    @Test
    void logsOfAContainerWithTailTimestampsAndTheDefaultContainer() throws Exception {
        create("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: printer
                spec:
                  nodeName: %s
                  containers:
                  - name: main
                    image: gantry/httpd:1.0
                    command: ["sh", "-c", "for i in 1 2 3 4 5; do echo line $i; done; sleep 3600"]
                  - name: side
                    image: gantry/httpd:1.0
                    command: ["sh", "-c", "echo from side >&2; sleep 3600"]
                """);
        awaitPod("printer", p -> p.status.containerStatuses != null && p.status.containerStatuses.size() == 2
                && p.status.containerStatuses.stream().allMatch(c -> c.state != null && c.state.running != null));
        await().atMost(LONG).until(() -> kubectl("logs", "printer", "-c", "main").out().contains("line 5"));

        assertEquals("line 1\nline 2\nline 3\nline 4\nline 5\n", kubectl("logs", "printer", "-c", "main").out());
        assertEquals("line 4\nline 5\n", kubectl("logs", "printer", "-c", "main", "--tail=2").out());
        await().atMost(LONG).until(() -> kubectl("logs", "printer", "-c", "side").out().equals("from side\n"));
        Result stamped = kubectl("logs", "printer", "-c", "main", "--tail=1", "--timestamps");
        assertTrue(stamped.out().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z line 5\n"), stamped.out() + stamped.err());
        assertEquals("line 5\n", kubectl("logs", "printer", "-c", "main", "--since=1h", "--tail=1").out());
        assertEquals("line 1\n", kubectl("logs", "printer", "-c", "main", "--limit-bytes=7").out());

        // kubectl picks the first container itself; the API server asks for a choice
        Result defaulted = kubectl("logs", "printer");
        assertEquals("line 1\nline 2\nline 3\nline 4\nline 5\n", defaulted.out(), defaulted.err());
        Response unnamed = get("/api/v1/namespaces/default/pods/printer/log");
        assertEquals(400, unnamed.code());
        assertTrue(unnamed.body().contains("\"message\":\"a container name must be specified for pod printer, "
                + "choose one of: [main side]\""), unnamed.body());

        // kubectl checks the name itself first; the API server words it the same
        Result unknown = kubectl("logs", "printer", "-c", "nope");
        assertEquals("error: container nope is not valid for pod printer", unknown.err().trim());
        Response unknownByApi = get("/api/v1/namespaces/default/pods/printer/log?container=nope");
        assertEquals(400, unknownByApi.code());
        assertTrue(unknownByApi.body().contains("\"reason\":\"BadRequest\"") && unknownByApi.body().contains(
                "\"message\":\"container nope is not valid for pod printer\""), unknownByApi.body());
        Result absent = kubectl("logs", "nobody");
        assertEquals("error: error from server (NotFound): pods \"nobody\" not found in namespace \"default\"",
                absent.err().trim(), "kubectl's words for a NotFound of the pod it looks up first");
    }

    @Test
    void followStreamsUntilTheContainerEndsOrTheClientLeaves() throws Exception {
        create("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: ticker
                spec:
                  nodeName: %s
                  restartPolicy: Never
                  containers:
                  - name: main
                    image: gantry/httpd:1.0
                    command: ["sh", "-c", "for i in 1 2 3 4; do echo tick $i; sleep 0.5; done; while [ ! -f /tmp/end ]; do sleep 0.1; done; for i in 5 6 7 8; do echo tick $i; sleep 0.5; done"]
                  - name: forever
                    image: gantry/httpd:1.0
                    command: ["sh", "-c", "i=0; while true; do i=$((i+1)); echo beat $i; sleep 0.2; done"]
                """);
        awaitPod("ticker", p -> p.status.containerStatuses != null && p.status.containerStatuses.size() == 2
                && p.status.containerStatuses.stream().allMatch(c -> c.state != null && c.state.running != null));

        // the follower sees lines while the container runs, and kubectl ends by itself when it stops
        Path out = dir.resolve("ticks.out()");
        Process follow = new ProcessBuilder(command("logs", "-f", "ticker", "-c", "main")).redirectOutput(out.toFile())
                .redirectError(dir.resolve("ticks.err()").toFile()).start();
        try {
            await().atMost(LONG).until(() -> Files.readString(out).contains("tick 1"));
            assertTrue(follow.isAlive(), "still following");
            // the container runs until told to end, however long the start took
            Result ended = kubectl("exec", "ticker", "-c", "main", "--", "touch", "/tmp/end");
            assertEquals(0, ended.code(), ended.err());
            assertTrue(follow.waitFor(60, TimeUnit.SECONDS), "kubectl logs -f ended with the container");
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                expected.add("tick " + i);
            }
            assertEquals(expected, Files.readAllLines(out));
        } finally {
            follow.destroyForcibly();
        }

        // a follower of a container that never stops gets new lines until it leaves
        Path beats = dir.resolve("beats.out()");
        Process forever = new ProcessBuilder(command("logs", "-f", "ticker", "-c", "forever", "--tail=1"))
                .redirectOutput(beats.toFile()).redirectError(dir.resolve("beats.err()").toFile()).start();
        try {
            await().atMost(LONG).until(() -> Files.readAllLines(beats).size() >= 5);
            List<String> lines = Files.readAllLines(beats);
            int first = Integer.parseInt(lines.get(0).substring("beat ".length()));
            for (int i = 0; i < 5; i++) {
                assertEquals("beat " + (first + i), lines.get(i));
            }
        } finally {
            forever.destroy();
            forever.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void previousOfAContainerThatNeverRestartedIsABadRequest() throws Exception {
        create("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: steady
                spec:
                  nodeName: %s
                  containers:
                  - name: main
                    image: gantry/httpd:1.0
                    command: ["sh", "-c", "echo up; sleep 3600"]
                """);
        // once its kubelet runs it (before, the kubelet does not know the pod yet)
        awaitPod("steady", p -> p.status.containerStatuses != null && p.status.containerStatuses.get(0).state != null
                && p.status.containerStatuses.get(0).state.running != null);
        Result none = kubectl("logs", "steady", "--previous");
        assertTrue(none.err().startsWith("Error from server (BadRequest): "), none.err());
    }

    @Test
    void previousShowsTheAttemptBeforeARestart() throws Exception {
        create("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: crasher
                spec:
                  nodeName: %s
                  containers:
                  - name: main
                    image: gantry/httpd:1.0
                    command: ["sh", "-c", "n=$(( $(cat /data/n 2>/dev/null || echo 0) + 1 )); echo $n > /data/n; echo run $n; sleep 1; exit 1"]
                    volumeMounts:
                    - name: data
                      mountPath: /data
                  volumes:
                  - name: data
                    emptyDir: {}
                """);
        awaitPod("crasher", p -> p.status.containerStatuses != null && p.status.containerStatuses.get(0).restartCount >= 2);
        await().atMost(LONG).untilAsserted(() -> {
            String previous = kubectl("logs", "crasher", "--previous").out();
            String current = kubectl("logs", "crasher").out();
            assertTrue(previous.matches("run \\d+\n") && current.matches("run \\d+\n"), previous + "/" + current);
            assertEquals(Integer.parseInt(previous.trim().substring(4)) + 1, Integer.parseInt(current.trim().substring(4)));
        });
    }

    @Test
    void aContainerThatHasNotStartedOrAPodWithoutNode() throws Exception {
        create("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: imageless
                spec:
                  nodeName: %s
                  containers:
                  - name: main
                    image: gantry/absent:0.0
                    imagePullPolicy: Never
                """);
        awaitPod("imageless", p -> p.status.containerStatuses != null
                && p.status.containerStatuses.get(0).state.waiting != null
                && "ErrImageNeverPull".equals(p.status.containerStatuses.get(0).state.waiting.reason));
        assertEquals("Error from server (BadRequest): container \"main\" in pod \"imageless\" is waiting to start: "
                + "ErrImageNeverPull", kubectl("logs", "imageless").err().trim());

        create("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: unscheduled
                  annotations:
                    node: %s
                spec:
                  containers:
                  - name: main
                    image: gantry/httpd:1.0
                """);
        assertEquals("Error from server (BadRequest): pod unscheduled does not have a host assigned",
                kubectl("logs", "unscheduled").err().trim());
    }

}
