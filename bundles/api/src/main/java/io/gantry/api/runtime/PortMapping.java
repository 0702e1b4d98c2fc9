package io.gantry.api.runtime;

/** A container port published on the pod IP: {@code hostIp:hostPort} to {@code containerPort}. */
public record PortMapping(String protocol, int containerPort, String hostIp, int hostPort) {
}
