package io.gantry.api.discovery.v1;

import io.gantry.api.core.v1.ObjectReference;
import io.gantry.api.meta.v1.Extensible;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes {@code Endpoint} of an EndpointSlice: the addresses of one backend (usually a
 * pod), whether it is ready, serving or terminating, and where it runs.
 */
public class Endpoint extends Extensible {

    public List<String> addresses;
    public EndpointConditions conditions;
    public String hostname;
    public ObjectReference targetRef;
    public Map<String, String> deprecatedTopology;
    public String nodeName;
    public String zone;
    public EndpointHints hints;

    /**
     * Kubernetes {@code EndpointConditions}: {@code ready} (absent means ready, as consumers
     * read it), {@code serving} (ready, also while terminating) and {@code terminating}.
     */
    public static class EndpointConditions extends Extensible {
        public Boolean ready;
        public Boolean serving;
        public Boolean terminating;
    }

    /** Kubernetes {@code EndpointHints}: the zones (and nodes) that should use this endpoint. */
    public static class EndpointHints extends Extensible {
        public List<ForZone> forZones;
        public List<ForNode> forNodes;
    }

    /** Kubernetes {@code ForZone}: a zone by name. */
    public static class ForZone extends Extensible {
        public String name;
    }

    /** Kubernetes {@code ForNode}: a node by name. */
    public static class ForNode extends Extensible {
        public String name;
    }
}
