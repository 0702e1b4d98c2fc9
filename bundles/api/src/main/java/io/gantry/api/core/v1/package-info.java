/**
 * Kubernetes {@code core/v1} objects Gantry serves: Pod, Node, Namespace, Binding.
 */
@Export
@Version("1.1.0")
package io.gantry.api.core.v1;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
