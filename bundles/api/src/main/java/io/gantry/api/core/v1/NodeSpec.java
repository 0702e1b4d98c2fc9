package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;
import java.util.List;

/** Kubernetes {@code NodeSpec}: the node's pod address range and whether it takes new pods. */
public class NodeSpec extends Extensible {

    public String podCIDR;
    public List<String> podCIDRs;
    public String providerID;
    public Boolean unschedulable;
}
