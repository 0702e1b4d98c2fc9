/**
 * Kubernetes {@code core/v1} objects Gantry serves: Pod, Node, Namespace, Binding. 1.2: a container's
 * stdin, stdinOnce and tty.
 */
@Export
@Version("1.2.0")
package io.gantry.api.core.v1;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
