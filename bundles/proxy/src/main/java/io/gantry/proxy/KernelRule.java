package io.gantry.proxy;

import io.gantry.api.lb.KernelAlgorithm;
import java.util.List;

/**
 * A frontend the kernel serves itself: new connections to it are DNATed to one of the endpoints
 * by the algorithm, with no userspace hop.
 */
record KernelRule(Frontend frontend, List<Endpoint> endpoints, KernelAlgorithm algorithm) {
}
