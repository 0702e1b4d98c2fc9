/**
 * The columns kubectl prints for each kind, computed as kubectl's printers do, shared by the API
 * server's Table answers and the {@code gantry:get} shell command.
 */
@Export
@Version("1.1.0")
package io.gantry.api.print;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
