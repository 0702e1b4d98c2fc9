package io.gantry.benchmarks;

import static io.gantry.benchmarks.NodeApi.NAMESPACE;
import static io.gantry.benchmarks.NodeApi.expect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code deploy N ROUNDS}: a Deployment of N replicas of examples/httpd-pod.yaml's image, from its
 * create to all N pods Running (seen by a watch), against its peer in the same run: N {@code docker run -d} of the
 * same image started at once, to the last one's return. Each round deletes what it made and waits
 * until the node's containers are gone before the next.
 *
 * <p>{@code pods-memory N}: the node's resident memory idle, then with a Deployment of N such pods
 * Running (10 s after, while the collector still holds the heap the starts grew, and 60 s after,
 * steady), then again once they are gone.
 */
final class DeploymentStartup {

    private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments";
    private static final Duration DEADLINE = Duration.ofMinutes(5);

    private final NodeApi api = new NodeApi();

    void run(int replicas, int rounds) throws Exception {
        api.ensureNamespace();
        Latencies gantry = new Latencies();
        Latencies docker = new Latencies();
        for (int round = 0; round <= rounds; round++) { // round 0 warms up and is not counted
            String run = NodeApi.runId();
            long took;
            try (PodWatch watch = new PodWatch(run)) {
                long start = System.nanoTime();
                createDeployment(run, replicas);
                awaitRunning(watch, replicas);
                took = System.nanoTime() - start;
                deleteDeployment(watch, run);
            }
            long peer = dockerRuns(run, replicas);
            if (round > 0) {
                gantry.add(took);
                docker.add(peer);
            }
            System.out.printf(Locale.ROOT, "  round %d: deployment %.0f ms, %d x docker run -d %.0f ms%n", round,
                    took / 1e6, replicas, peer / 1e6);
        }
        System.out.printf(Locale.ROOT, "deploy: %d replicas, %d rounds%n", replicas, rounds);
        gantry.print("create to all Running", Double.NaN);
        docker.print("peer: parallel docker run -d", Double.NaN);
        gantry.printRatio("create to all Running", docker, Double.NaN, Double.NaN);
    }

    void memory(int replicas) throws Exception {
        api.ensureNamespace();
        String run = NodeApi.runId();
        System.out.printf(Locale.ROOT, "pods-memory: idle %s%n", String.join(" ", NodeMemory.resident()));
        try (PodWatch watch = new PodWatch(run)) {
            createDeployment(run, replicas);
            awaitRunning(watch, replicas);
            // measurements, not synchronisations: the last starts' work settles, then the node runs its pods
            Thread.sleep(10_000);
            System.out.printf(Locale.ROOT, "pods-memory: %d pods Running, 10 s after %s%n", replicas,
                    String.join(" ", NodeMemory.resident()));
            Thread.sleep(50_000);
            System.out.printf(Locale.ROOT, "pods-memory: %d pods Running, 60 s after (steady) %s%n", replicas,
                    String.join(" ", NodeMemory.resident()));
            deleteDeployment(watch, run);
        }
        System.out.printf(Locale.ROOT, "pods-memory: after they are gone %s%n", String.join(" ", NodeMemory.resident()));
    }

    private void createDeployment(String run, int replicas) throws Exception {
        expect(201, api.send("POST", DEPLOYMENTS, """
                {"apiVersion": "apps/v1", "kind": "Deployment",
                 "metadata": {"name": "deploy-%1$s", "labels": {"bench": "%1$s"}},
                 "spec": {"replicas": %2$d, "selector": {"matchLabels": {"bench": "%1$s"}},
                  "template": {"metadata": {"labels": {"app": "bench", "bench": "%1$s"}},
                   "spec": {"terminationGracePeriodSeconds": 1, "containers": [{"name": "httpd", "image": "%3$s",
                     "imagePullPolicy": "IfNotPresent", "ports": [{"containerPort": 80}]}]}}}}
                """.formatted(run, replicas, RawDocker.IMAGE)));
    }

    /** Waits until the watch has seen N pods Running. */
    private static void awaitRunning(PodWatch watch, int replicas) throws InterruptedException {
        watch.await(pods -> PodWatch.running(pods) >= replicas, DEADLINE, replicas + " pods Running");
    }

    /** Deletes the Deployment with its pods, and waits until no pod of the run is left. */
    private void deleteDeployment(PodWatch watch, String run) throws Exception {
        expect(200, api.send("DELETE", DEPLOYMENTS + "/deploy-" + run + "?propagationPolicy=Foreground", null));
        watch.await(Map::isEmpty, DEADLINE, "the pods of run " + run + " gone");
    }

    /** N {@code docker run -d} at once, to the last one's return; their containers are removed after. */
    private static long dockerRuns(String run, int n) throws Exception {
        RawDocker docker = new RawDocker(run);
        ExecutorService threads = Executors.newFixedThreadPool(n);
        try {
            long start = System.nanoTime();
            List<Future<String>> started = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = String.valueOf(i);
                started.add(threads.submit(() -> docker.start(name)));
            }
            for (Future<String> container : started) {
                container.get();
            }
            return System.nanoTime() - start;
        } finally {
            threads.shutdown();
            docker.removeAll();
        }
    }
}
