/**
 * Kubernetes {@code coordination.k8s.io/v1}: Lease, as leaders and node heartbeats use it.
 */
@Export
@Version("1.0.0")
package io.gantry.api.coordination.v1;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
