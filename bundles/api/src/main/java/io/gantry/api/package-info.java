/**
 * Names and helpers shared by every Gantry bundle: plugin service properties, daemon threads.
 */
@Export
@Version("1.1.0")
package io.gantry.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
