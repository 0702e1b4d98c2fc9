/**
 * Kubernetes {@code autoscaling/v1}: Scale, the body of the scale subresource.
 */
@Export
@Version("1.0.0")
package io.gantry.api.autoscaling.v1;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
