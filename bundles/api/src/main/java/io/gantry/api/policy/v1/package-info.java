/**
 * Kubernetes {@code policy/v1}: Eviction, the body of a pod's eviction subresource.
 */
@Export
@Version("1.0.0")
package io.gantry.api.policy.v1;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
