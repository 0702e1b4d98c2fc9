/**
 * Kubernetes {@code meta/v1}: object metadata, lists, Status and delete options.
 */
@Export
@Version("1.0.0")
package io.gantry.api.meta.v1;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
