package io.gantry.benchmarks;

import io.gantry.api.Configs;
import io.gantry.api.Plugins;
import io.gantry.api.client.InMemoryApiClient;
import io.gantry.api.client.Informers;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.EndpointAddress;
import io.gantry.api.core.v1.EndpointPort;
import io.gantry.api.core.v1.EndpointSubset;
import io.gantry.api.core.v1.Endpoints;
import io.gantry.api.core.v1.Service;
import io.gantry.api.core.v1.ServicePort;
import io.gantry.lb.leastconn.LeastConnectionsLoadBalancer;
import io.gantry.lb.random.RandomLoadBalancer;
import io.gantry.lb.roundrobin.RoundRobinLoadBalancer;
import io.gantry.proxy.ServiceProxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service proxy's two datapaths against a direct connection, with wrk (Debian's package)
 * and nginx-light as the keep-alive HTTP backend, all on loopback, in one run. Gantry's proxy runs
 * in this JVM ({@code datapath = auto}), fed by an in-memory API, with two services over the same
 * two nginx addresses:
 * <ul>
 * <li>direct: wrk to one nginx address;</li>
 * <li>kernel: service {@code web} (roundrobin), which the proxy gives to its nftables table
 *     (DNAT, {@code numgen inc});</li>
 * <li>userspace: service {@code web-userspace} (leastconn, which needs connection counts), which
 *     the proxy's NIO loops relay;</li>
 * <li>kernel with affinity: service {@code web-sticky} (roundrobin, ClientIP affinity), which
 *     the nftables table serves with a set of clients per endpoint;</li>
 * <li>while the algorithm of a service is swapped every 100 ms (annotation and default): between
 *     the two kernel algorithms for {@code web} and {@code web-sticky}, over all three for
 *     {@code web} (which moves it between the kernel and userspace) and {@code web-userspace};</li>
 * <li>many connections held open at once through the userspace proxy, each used.</li>
 * </ul>
 * Direct, kernel and userspace alternate for {@code rounds} rounds, so that a change in the
 * machine's load hits all three. Needs root (nft), wrk and nginx on the PATH.
 */
final class ProxyThroughput {

    private static final String BACKEND_1 = "127.3.0.1";
    private static final String BACKEND_2 = "127.3.0.2";
    private static final int BACKEND_PORT = 18080;
    private static final String KERNEL_IP = "127.96.250.1";
    private static final String USERSPACE_IP = "127.96.250.2";
    private static final String STICKY_IP = "127.96.250.3";
    private static final String KERNEL_AFFINITY = "kernel, ClientIP affinity";
    private static final String DIRECT = "http://" + BACKEND_1 + ":" + BACKEND_PORT + "/";

    record Result(String what, double requestsPerSecond, double p50Millis, double p99Millis, long errors) {
    }

    void run(int seconds, int connections, int held, int rounds) throws Exception {
        Path dir = Files.createTempDirectory("gantry-bench-proxy");
        Process nginx = startNginx(dir, held + 1000);
        InMemoryApiClient api = new InMemoryApiClient();
        Informers informers = new Informers(api);
        ServiceProxy proxy = new ServiceProxy(informers, config("roundrobin"));
        try {
            proxy.addLoadBalancer(new RoundRobinLoadBalancer(), java.util.Map.of(Plugins.NAME, "roundrobin"));
            proxy.addLoadBalancer(new RandomLoadBalancer(), java.util.Map.of(Plugins.NAME, "random"));
            proxy.addLoadBalancer(new LeastConnectionsLoadBalancer(), java.util.Map.of(Plugins.NAME, "leastconn"));
            createService(api, "web", KERNEL_IP, null);
            createService(api, "web-userspace", USERSPACE_IP, "leastconn");
            createService(api, "web-sticky", STICKY_IP, null);
            Service sticky = api.get(ResourceKind.SERVICES, "bench", "web-sticky");
            sticky.spec.sessionAffinity = "ClientIP";
            api.update(ResourceKind.SERVICES, sticky);
            awaitAnswer(BACKEND_1, BACKEND_PORT);
            awaitAnswer(KERNEL_IP, 80);
            awaitAnswer(USERSPACE_IP, 80);
            awaitKernel(KERNEL_IP);
            awaitKernel(STICKY_IP);
            System.out.printf(Locale.ROOT, "load average before: %s%n", loadAverage());
            wrk("warm-up", "http://" + USERSPACE_IP + "/", connections, 3);
            wrk("warm-up", DIRECT, connections, 2);
            List<Result> results = new ArrayList<>();
            List<String> ratios = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                results.add(wrk("direct", DIRECT, connections, seconds));
                results.add(wrk("kernel (nftables DNAT)", "http://" + KERNEL_IP + "/", connections, seconds));
                results.add(wrk("userspace (NIO)", "http://" + USERSPACE_IP + "/", connections, seconds));
                results.add(wrk(KERNEL_AFFINITY, "http://" + STICKY_IP + "/", connections, seconds));
            }
            List<Result> swapping = new ArrayList<>();
            int swaps = 0;
            List<String> inKernel = List.of("roundrobin", "random");
            List<String> all = List.of("roundrobin", "random", "leastconn");
            record Swapping(String service, String ip, List<String> algorithms, String what) {
            }
            for (Swapping run : List.of(
                    new Swapping("web", KERNEL_IP, inKernel, "web, swapped roundrobin ⇄ random (kernel)"),
                    new Swapping("web-sticky", STICKY_IP, inKernel, "web-sticky, swapped roundrobin ⇄ random (kernel, affinity)"),
                    new Swapping("web", KERNEL_IP, all, "web, swapped over all three (kernel ⇄ userspace)"),
                    new Swapping("web-userspace", USERSPACE_IP, all, "web-userspace, swapped over all three"))) {
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicInteger count = new AtomicInteger();
                Thread swapper = new Thread(() -> swap(api, proxy, run.service(), run.algorithms(), running, count));
                swapper.start();
                Result during = wrk(run.what(), "http://" + run.ip() + "/", connections, seconds);
                running.set(false);
                swapper.join();
                swaps += count.get();
                Result direct = wrk("direct", DIRECT, connections, seconds);
                swapping.add(during);
                swapping.add(direct);
                ratios.add(String.format(Locale.ROOT, "%s: %.0f%% of the direct run after it, p99 %+.2f ms", run.what(),
                        100 * during.requestsPerSecond() / direct.requestsPerSecond(), during.p99Millis() - direct.p99Millis()));
            }
            Result many = wrk("userspace, " + held + " conns", "http://" + USERSPACE_IP + "/", held, seconds);
            Result manyKernel = wrk("kernel, " + held + " conns", "http://" + KERNEL_IP + "/", held, seconds);
            Result manyDirect = wrk("direct, " + held + " conns", DIRECT, held, seconds);
            String heldResult = heldConnections(held);
            System.out.printf(Locale.ROOT, "load average after: %s%n%n", loadAverage());
            System.out.printf(Locale.ROOT, "| run | req/s | p50 ms | p99 ms | errors |%n|---|---|---|---|---|%n");
            results.forEach(ProxyThroughput::print);
            swapping.forEach(ProxyThroughput::print);
            print(manyDirect);
            print(manyKernel);
            print(many);
            System.out.println();
            summary(results, "kernel (nftables DNAT)");
            summary(results, "userspace (NIO)");
            summary(results, KERNEL_AFFINITY);
            ratios.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "swaps during the swapping runs: %d (every 100 ms); %s%n", swaps, threads());
            System.out.printf(Locale.ROOT, "held: %d connections open at once through the userspace proxy: %s%n", held,
                    heldResult);
        } finally {
            proxy.deactivate();
            informers.close();
            nginx.destroy();
            nginx.waitFor();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** Every 100 ms: the default, and the service's annotation in every other step, change. */
    private static void swap(InMemoryApiClient api, ServiceProxy proxy, String name, List<String> names,
            AtomicBoolean running, AtomicInteger count) {
        while (running.get()) {
            int i = count.incrementAndGet();
            proxy.modified(config(names.get(i % names.size())));
            Service service = api.get(ResourceKind.SERVICES, "bench", name);
            if (i % 2 == 0) {
                service.metadata.annotations().put("gantry.io/load-balancer", names.get((i / 2) % names.size()));
            } else {
                service.metadata.annotations().remove("gantry.io/load-balancer");
            }
            api.update(ResourceKind.SERVICES, service);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Waits until the proxy's nftables table DNATs the address. */
    private static void awaitKernel(String ip) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            Process process = new ProcessBuilder("nft", "list", "ruleset").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            if (out.contains("ip daddr " + ip + " ")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the proxy's kernel datapath does not serve " + ip + " (not root? no nft?)");
    }

    private static void print(Result r) {
        System.out.printf(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %d |%n", r.what(), r.requestsPerSecond(), r.p50Millis(),
                r.p99Millis(), r.errors());
    }

    /** Mean of each run kind against the direct runs of the same rounds. */
    private static void summary(List<Result> results, String what) {
        double direct = results.stream().filter(r -> r.what().equals("direct")).mapToDouble(Result::requestsPerSecond)
                .average().orElse(Double.NaN);
        double directP99 = results.stream().filter(r -> r.what().equals("direct")).mapToDouble(Result::p99Millis)
                .average().orElse(Double.NaN);
        double rate = results.stream().filter(r -> r.what().equals(what)).mapToDouble(Result::requestsPerSecond)
                .average().orElse(Double.NaN);
        double p99 = results.stream().filter(r -> r.what().equals(what)).mapToDouble(Result::p99Millis)
                .average().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "%s: %.0f%% of direct throughput, p99 %+.2f ms against direct%n", what,
                100 * rate / direct, p99 - directP99);
    }

    /**
     * Opens {@code count} connections through the proxy, then sends one request on each and reads
     * the answers: how many answered while all were open.
     */
    private static String heldConnections(int count) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        int answered = 0;
        try {
            for (int i = 0; i < count; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress(USERSPACE_IP, 80), 5000);
                socket.setSoTimeout(10_000);
                sockets.add(socket);
            }
            byte[] request = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            for (Socket socket : sockets) {
                socket.getOutputStream().write(request);
            }
            byte[] buffer = new byte[512];
            for (Socket socket : sockets) {
                int read = socket.getInputStream().read(buffer);
                if (read > 0 && new String(buffer, 0, read, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200")) {
                    answered++;
                }
            }
            return answered + " answered, " + threads();
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private static String threads() {
        long io = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("gantry-proxy-io")).count();
        return "proxy IO threads " + io;
    }

    private static Result wrk(String what, String url, int connections, int seconds) throws IOException, InterruptedException {
        int threads = Math.min(2, connections);
        Process process = new ProcessBuilder("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency", url)
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        double rate = number(out, "Requests/sec:\\s+([0-9.]+)");
        double p50 = millis(out, "50%");
        double p99 = millis(out, "99%");
        long errors = (long) (number(out, "Non-2xx or 3xx responses:\\s+([0-9]+)", 0)
                + number(out, "Socket errors: connect ([0-9]+)", 0) + number(out, "read ([0-9]+), write", 0)
                + number(out, "write ([0-9]+), timeout", 0) + number(out, "timeout ([0-9]+)", 0));
        if (Double.isNaN(rate)) {
            throw new IOException("wrk said: " + out);
        }
        return new Result(what, rate, p50, p99, errors);
    }

    private static double millis(String out, String percentile) {
        Matcher m = Pattern.compile("\\s" + Pattern.quote(percentile) + "\\s+([0-9.]+)(us|ms|s)").matcher(out);
        if (!m.find()) {
            return Double.NaN;
        }
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }

    private static double number(String out, String regex) {
        return number(out, regex, Double.NaN);
    }

    private static double number(String out, String regex, double otherwise) {
        Matcher m = Pattern.compile(regex).matcher(out);
        return m.find() ? Double.parseDouble(m.group(1)) : otherwise;
    }

    private static void createService(InMemoryApiClient api, String name, String clusterIP, String loadBalancer) {
        Service service = new Service();
        service.metadata.name = name;
        service.metadata.namespace = "bench";
        if (loadBalancer != null) {
            service.metadata.annotations().put("gantry.io/load-balancer", loadBalancer);
        }
        service.spec.clusterIP = clusterIP;
        service.spec.ports = List.of(new ServicePort(null, 80, null));
        api.create(ResourceKind.SERVICES, service);
        Endpoints endpoints = new Endpoints();
        endpoints.metadata.name = name;
        endpoints.metadata.namespace = "bench";
        EndpointSubset subset = new EndpointSubset();
        subset.addresses = List.of(new EndpointAddress(BACKEND_1), new EndpointAddress(BACKEND_2));
        subset.ports = List.of(new EndpointPort(null, BACKEND_PORT, "TCP"));
        endpoints.subsets = List.of(subset);
        api.create(ResourceKind.ENDPOINTS, endpoints);
    }

    private static Process startNginx(Path dir, int connections) throws IOException {
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                worker_processes 1;
                worker_rlimit_nofile %d;
                daemon off;
                error_log %s/error.log;
                pid %s/nginx.pid;
                events { worker_connections %d; }
                http {
                  access_log off;
                  keepalive_requests 10000000;
                  server {
                    listen %s:%d reuseport backlog=8192;
                    listen %s:%d reuseport backlog=8192;
                    location / { return 200 "hello from nginx\\n"; }
                  }
                }
                """.formatted(connections * 2, dir, dir, connections, BACKEND_1, BACKEND_PORT, BACKEND_2, BACKEND_PORT));
        return new ProcessBuilder("nginx", "-c", conf.toString(), "-p", dir.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.out").toFile()).start();
    }

    private static void awaitAnswer(String ip, int port) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(ip, port), 1000);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(ip + ":" + port + " does not answer");
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }

    private static ServiceProxy.Config config(String defaultLoadBalancer) {
        return Configs.of(ServiceProxy.Config.class, Map.of(
                "defaultLoadBalancer", defaultLoadBalancer,
                "ioThreads", Integer.getInteger("gantry.proxy.ioThreads", 0))); // one per core by default, as the node
    }
}
