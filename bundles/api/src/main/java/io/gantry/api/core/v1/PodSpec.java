package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Kubernetes {@code PodSpec}: what to run, where it may run and how to restart it. */
public class PodSpec extends Extensible {

    public List<Volume> volumes;
    /** Run one after another to completion, each successfully, before {@code containers} start. */
    public List<Container> initContainers;
    public List<Container> containers = new ArrayList<>();
    /** {@code Always} (default), {@code OnFailure} or {@code Never}. */
    public String restartPolicy;
    public Long terminationGracePeriodSeconds;
    public Long activeDeadlineSeconds;
    public String dnsPolicy;
    public Map<String, String> nodeSelector;
    /** The node the pod is bound to; empty until scheduled. */
    public String nodeName;
    public String serviceAccountName;
    public Boolean automountServiceAccountToken;
    public Boolean hostNetwork;
    public Boolean shareProcessNamespace;
    public PodSecurityContext securityContext;
    public String hostname;
    public String subdomain;
    /** The scheduler policy that places the pod; empty picks the configured default. */
    public String schedulerName;
    /** The container runtime that runs the pod on its node; empty picks the node's default. */
    public String runtimeClassName;
    public String priorityClassName;
    public Integer priority;
    public Boolean enableServiceLinks;
}
