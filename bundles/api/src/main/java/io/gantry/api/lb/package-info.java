/**
 * Load balancer SPI: picks the backend of a service for a new connection.
 */
@Export
@Version("1.0.0")
package io.gantry.api.lb;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
