/**
 * Kubernetes {@code events.k8s.io/v1}: Event, the newer shape of events.
 */
@Export
@Version("1.0.0")
package io.gantry.api.events.v1;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
