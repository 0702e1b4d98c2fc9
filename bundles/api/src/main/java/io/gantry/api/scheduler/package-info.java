/**
 * Scheduler policy SPI: scores the nodes a pod fits on, over the scheduler's precomputed view of
 * each node and pod (no Kubernetes objects, no JSON: a score costs nanoseconds).
 */
@Export
@Version("2.0.0")
package io.gantry.api.scheduler;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
