package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;
import java.util.List;

/**
 * Kubernetes {@code NodeSpec}: the node's pod address range, whether it takes new pods, and the
 * taints that keep pods away that do not tolerate them.
 */
public class NodeSpec extends Extensible {

    public String podCIDR;
    public List<String> podCIDRs;
    public String providerID;
    public Boolean unschedulable;
    public List<Taint> taints;
}
