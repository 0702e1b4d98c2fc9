/**
 * Names shared by every Gantry bundle: plugin service properties.
 */
@Export
@Version("1.0.0")
package io.gantry.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
