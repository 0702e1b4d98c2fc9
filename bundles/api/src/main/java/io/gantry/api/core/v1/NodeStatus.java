package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;
import java.util.List;
import java.util.Map;

/** Kubernetes {@code NodeStatus}: capacity, conditions, addresses and versions of a node. */
public class NodeStatus extends Extensible {

    public Map<String, String> capacity;
    public Map<String, String> allocatable;
    public String phase;
    public List<NodeCondition> conditions;
    public List<NodeAddress> addresses;
    public NodeSystemInfo nodeInfo;
}
