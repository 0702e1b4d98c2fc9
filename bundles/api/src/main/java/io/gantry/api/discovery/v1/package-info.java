/**
 * Kubernetes {@code discovery.k8s.io/v1}: EndpointSlice.
 */
@Export
@Version("1.0.0")
package io.gantry.api.discovery.v1;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
