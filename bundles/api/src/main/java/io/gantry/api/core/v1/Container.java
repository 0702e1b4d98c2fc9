package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;
import java.util.List;

/** Kubernetes {@code Container}: one image to run in a pod. */
public class Container extends Extensible {

    public String name;
    public String image;
    public List<String> command;
    public List<String> args;
    public String workingDir;
    public List<ContainerPort> ports;
    public List<EnvFromSource> envFrom;
    public List<EnvVar> env;
    public ResourceRequirements resources;
    public List<VolumeMount> volumeMounts;
    public Probe livenessProbe;
    public Probe readinessProbe;
    public Probe startupProbe;
    public Lifecycle lifecycle;
    public String terminationMessagePath;
    public String terminationMessagePolicy;
    /** {@code Always}, {@code IfNotPresent} or {@code Never}; defaulted from the image tag. */
    public String imagePullPolicy;
    public SecurityContext securityContext;
    /** Whether the container's main process gets a standard input that {@code kubectl attach -i} writes to. */
    public Boolean stdin;
    /** With {@link #stdin}: the input closes when the first attached client leaves. */
    public Boolean stdinOnce;
    /** Whether the container's main process runs on a terminal, which an attached client then shares. */
    public Boolean tty;
}
