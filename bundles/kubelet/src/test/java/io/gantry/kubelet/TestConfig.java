package io.gantry.kubelet;

import java.lang.annotation.Annotation;
import java.nio.file.Path;

/** The kubelet's configuration for tests: a node and pod range of the test's own, quick back-offs. */
final class TestConfig implements Kubelet.Config {

    private final String nodeName;
    private final String podCIDR;
    private final Path rootDir;
    String defaultRuntime = "docker";
    String[] runtimeClasses = {};

    TestConfig(String nodeName, String podCIDR, Path rootDir) {
        this.nodeName = nodeName;
        this.podCIDR = podCIDR;
        this.rootDir = rootDir;
    }

    @Override
    public String nodeName() {
        return nodeName;
    }

    @Override
    public String podCIDR() {
        return podCIDR;
    }

    @Override
    public String nodeIP() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return 0; // a free port: tests run nodes side by side
    }

    @Override
    public String defaultRuntime() {
        return defaultRuntime;
    }

    @Override
    public String[] runtimeClasses() {
        return runtimeClasses;
    }

    @Override
    public int statusIntervalSeconds() {
        return 60;
    }

    @Override
    public int relistIntervalSeconds() {
        return 5;
    }

    @Override
    public int maxPods() {
        return 110;
    }

    @Override
    public String cpu() {
        return "4";
    }

    @Override
    public String memory() {
        return "8Gi";
    }

    @Override
    public String systemReservedCpu() {
        return "500m";
    }

    @Override
    public String systemReservedMemory() {
        return "1Gi";
    }

    @Override
    public long crashLoopBackOffMillis() {
        return 500;
    }

    @Override
    public int crashLoopBackOffMaxSeconds() {
        return 2;
    }

    @Override
    public String rootDir() {
        return rootDir.toString();
    }

    @Override
    public int volumeRefreshSeconds() {
        return 1;
    }

    @Override
    public int probeThreads() {
        return 2;
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return Kubelet.Config.class;
    }
}
