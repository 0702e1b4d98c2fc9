/**
 * The cluster as components see it: one leader per role (scheduler, controller manager),
 * elected across the nodes.
 */
@Export
@Version("1.1.0")
package io.gantry.api.cluster;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
