/**
 * Names and helpers shared by every Gantry bundle: plugin service properties, daemon threads, pod
 * folders (1.2), host commands (1.3).
 */
@Export
@Version("1.3.0")
package io.gantry.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
