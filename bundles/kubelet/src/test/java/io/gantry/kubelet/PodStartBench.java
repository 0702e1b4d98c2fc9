package io.gantry.kubelet;

import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.Watch;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ContainerPort;
import io.gantry.api.core.v1.Pod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: measures, on the real Docker engine, create to Running as a watch of the API sees
 * it against a raw {@code docker run -d} of the same image in the same run, and the Docker API
 * calls per second of a node with 100 idle pods. Run from the kubelet's test class path:
 * {@code java -cp ... io.gantry.kubelet.PodStartBench [pods] [idlePods]}.
 */
public final class PodStartBench {

    private PodStartBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int idle = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        try (DockerNode node = new DockerNode()) {
            Map<String, CompletableFuture<Long>> running = new ConcurrentHashMap<>();
            Watch watch = node.api.watch(ResourceKind.PODS, null, ListOptions.ALL, event -> {
                Pod pod = event.object();
                if (event.type() == WatchEvent.Type.MODIFIED && pod.status != null && "Running".equals(pod.status.phase)) {
                    CompletableFuture<Long> done = running.get(pod.metadata.name);
                    if (done != null) {
                        done.complete(System.nanoTime());
                    }
                }
            });
            List<Long> gantry = new ArrayList<>();
            List<Long> raw = new ArrayList<>();
            String label = "io.gantry.bench=" + UUID.randomUUID();
            for (int i = 0; i < rounds + 2; i++) {
                String name = "start-" + i;
                running.put(name, new CompletableFuture<>());
                Container web = DockerNode.container("web");
                web.ports = List.of(new ContainerPort(80));
                long start = System.nanoTime();
                node.create(DockerNode.pod(name, web));
                long seen = running.get(name).get(60, TimeUnit.SECONDS);
                long rawTime = dockerRun(label, "127.254." + (i + 1) + ".9");
                if (i >= 2) { // the first rounds warm up the JIT and the engine
                    gantry.add(seen - start);
                    raw.add(rawTime);
                }
            }
            watch.close();
            docker("sh", "-c", "docker rm -f $(docker ps -aq --filter label=" + label + ") >/dev/null");
            System.out.printf("create -> Running (watch), %d pods one at a time: median %.0f ms; raw docker run -d: median %.0f ms; ratio %.2f%n",
                    rounds, median(gantry) / 1e6, median(raw) / 1e6, median(gantry) / median(raw));

            if (idle == 0) {
                return;
            }
            for (int i = 0; i < idle; i++) {
                node.create(DockerNode.pod("idle-" + i, DockerNode.container("sleeper", "trap 'exit 0' TERM; sleep 3600 & wait")));
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (System.nanoTime() < deadline && node.api.list(ResourceKind.PODS, "default", ListOptions.ALL).items.stream()
                    .filter(p -> p.metadata.name.startsWith("idle-"))
                    .filter(p -> p.status != null && "Running".equals(p.status.phase)).count() < idle) {
                Thread.sleep(500);
            }
            Thread.sleep(5000); // the last starts' events settle
            long before = node.runtime.apiCalls();
            long window = 30;
            Thread.sleep(window * 1000);
            long calls = node.runtime.apiCalls() - before;
            System.out.printf("%d idle pods (+%d): %d Docker API calls in %d s = %.2f per second%n", idle, rounds + 2, calls,
                    window, calls / (double) window);
        }
    }

    private static long dockerRun(String label, String ip) throws Exception {
        long start = System.nanoTime();
        docker("docker", "run", "-d", "--label", label, "-p", ip + ":80:80", "gantry/httpd:1.0");
        return System.nanoTime() - start;
    }

    private static void docker(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        process.waitFor();
    }

    private static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
