/**
 * Kubernetes {@code apps/v1} objects: Deployment and ReplicaSet.
 */
@Export
@Version("1.0.0")
package io.gantry.api.apps.v1;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
