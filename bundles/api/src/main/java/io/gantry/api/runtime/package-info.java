/**
 * Container runtime SPI: pod sandboxes and their containers, after the Kubernetes CRI.
 */
@Export
@Version("1.0.0")
package io.gantry.api.runtime;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
