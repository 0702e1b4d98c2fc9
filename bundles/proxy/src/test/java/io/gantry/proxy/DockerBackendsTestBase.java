package io.gantry.proxy;

import static org.awaitility.Awaitility.await;

import io.gantry.api.core.v1.EndpointAddress;
import io.gantry.api.core.v1.EndpointPort;
import io.gantry.api.core.v1.EndpointSubset;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;

/**
 * Real containers behind a service: pods of {@code gantry/httpd:1.0} (built locally by
 * examples/images/build.sh, no registry) in the Docker engine, published on their own loopback
 * addresses as the docker runtime publishes pod IPs, served through the proxy's cluster IP.
 */
abstract class DockerBackendsTestBase extends ProxyTestBase {

    private static final Pattern POD = Pattern.compile("hello from Gantry, pod (\\S+)");
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    /** The containers of the pods started, in order. */
    final List<String> containers = new ArrayList<>();

    DockerBackendsTestBase(String datapath) {
        super(datapath);
    }

    @AfterEach
    void removeContainers() throws Exception {
        for (String container : containers) {
            docker("rm", "-f", container);
        }
    }

    /**
     * Runs a pod of {@code gantry/httpd:1.0} per address, named {@code web-<i>} and published on
     * the address's port 18080 (its container is {@code containers[i]}, removed after the test),
     * and waits until each answers.
     */
    void startPods(List<String> ips) throws Exception {
        for (int i = 0; i < ips.size(); i++) {
            String name = "gantry-proxytest-" + run + "-" + i;
            docker("run", "-d", "--name", name, "--hostname", "web-" + i, "--label", "io.gantry.test=proxy",
                    "-p", ips.get(i) + ":18080:80", "gantry/httpd:1.0");
            containers.add(name);
        }
        // the engine's port proxy takes connections before httpd listens: wait until each answers
        for (String backend : ips) {
            await().atMost(DEADLINE).ignoreExceptions().until(() -> get(backend, 18080).startsWith("web-"));
        }
    }

    /** The pods' addresses ready on port {@code http}, 18080. */
    static EndpointSubset httpSubset(List<String> ips) {
        EndpointSubset subset = new EndpointSubset();
        subset.addresses = ips.stream().map(EndpointAddress::new).toList();
        subset.ports = List.of(new EndpointPort("http", 18080, "TCP"));
        return subset;
    }

    /** GET / on a new connection: the name of the pod that answered. */
    static String get(String ip) throws IOException {
        return get(ip, 80);
    }

    static String get(String ip, int port) throws IOException {
        return get(ip, port, null);
    }

    /** The same from a given client address (for ClientIP affinity). */
    static String get(String ip, int port, String from) throws IOException {
        try (Socket socket = new Socket()) {
            if (from != null) {
                socket.bind(new InetSocketAddress(from, 0));
            }
            socket.connect(new InetSocketAddress(ip, port), 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET / HTTP/1.0\r\nHost: web\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = POD.matcher(response);
            if (!response.startsWith("HTTP/1.") || !response.contains(" 200 ") || !m.find()) {
                throw new IOException("unexpected answer: " + response);
            }
            return m.group(1);
        }
    }

    static String docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("docker " + String.join(" ", args) + ": " + out
                    + " (these tests need a Docker engine and the images of examples/images/build.sh)");
        }
        return out.trim();
    }
}
