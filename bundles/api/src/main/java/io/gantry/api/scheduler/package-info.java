/**
 * Scheduler policy SPI: scores the nodes a pod fits on.
 */
@Export
@Version("1.0.0")
package io.gantry.api.scheduler;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
