package io.gantry.benchmarks;

import io.gantry.cluster.ClusterMember;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A cluster member in a JVM of its own, for the leader benchmark: started as the cluster bundle
 * starts it, it says "ready" on stdout and lives until it is killed or its stdin closes.
 */
final class MemberProcess {

    private MemberProcess() {
    }

    /** args: cluster port seed,seed,... nodeName lite */
    public static void main(String[] args) throws IOException {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        ClusterMember.start(LeaderFailover.memberConfig(args[0], Integer.parseInt(args[1]), args[2].split(","), args[3],
                Boolean.parseBoolean(args[4])));
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the parent goes
        }
        System.exit(0);
    }

    static Process start(ClusterMember.Config config) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                java(), "-Xmx256m", "-XX:+UseSerialGC", "-cp", classPath(), MemberProcess.class.getName(),
                config.clusterName(), String.valueOf(config.port()), String.join(",", config.members()),
                config.nodeName(), String.valueOf(config.liteMember())));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    static void awaitReady(Process child) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.equals("ready")) {
                return;
            }
        }
        throw new IllegalStateException("the member process ended before it was ready");
    }

    /** This JVM's class path, also under exec:java (whose class loader holds it, not java.class.path). */
    private static String classPath() {
        if (MemberProcess.class.getClassLoader() instanceof URLClassLoader loader) {
            return Arrays.stream(loader.getURLs()).map(url -> new File(url.getPath()).getPath())
                    .collect(Collectors.joining(File.pathSeparator));
        }
        return System.getProperty("java.class.path");
    }

    private static String java() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}
