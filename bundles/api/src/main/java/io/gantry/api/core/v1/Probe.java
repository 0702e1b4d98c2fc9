package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;
import io.gantry.api.meta.v1.IntOrString;

/**
 * Kubernetes {@code Probe}: how and when the kubelet checks a container. Unset timings take
 * Kubernetes' defaults (period 10 s, timeout 1 s, success 1, failure 3).
 */
public class Probe extends Extensible {

    public ExecAction exec;
    public HTTPGetAction httpGet;
    public TCPSocketAction tcpSocket;
    public Integer initialDelaySeconds;
    public Integer timeoutSeconds;
    public Integer periodSeconds;
    public Integer successThreshold;
    public Integer failureThreshold;
    public Long terminationGracePeriodSeconds;

    /** Kubernetes {@code ExecAction}: a command run in the container; exit code 0 is success. */
    public static class ExecAction extends Extensible {
        public java.util.List<String> command;

        public ExecAction() {
        }

        public ExecAction(java.util.List<String> command) {
            this.command = command;
        }
    }

    /** Kubernetes {@code HTTPGetAction}: a GET to the pod; 200 to 399 is success. */
    public static class HTTPGetAction extends Extensible {
        public String path;
        public IntOrString port;
        public String host;
        public String scheme;
        public java.util.List<HTTPHeader> httpHeaders;
    }

    /** Kubernetes {@code HTTPHeader}. */
    public static class HTTPHeader extends Extensible {
        public String name;
        public String value;
    }

    /** Kubernetes {@code TCPSocketAction}: a TCP connection that opens is success. */
    public static class TCPSocketAction extends Extensible {
        public IntOrString port;
        public String host;
    }
}
