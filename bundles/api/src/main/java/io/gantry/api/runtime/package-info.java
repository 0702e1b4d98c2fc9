/**
 * Container runtime SPI: pod sandboxes and their containers, after the Kubernetes CRI. 2.0: the
 * runtime owns its labels (typed pod and attempt fields instead), events, exec and mounts.
 * 2.1: container logs, commands with attached streams. 2.2: attach to a container's main process,
 * containers with a standard input or a terminal. 2.3: terminal resizes. 2.4: connections to a
 * port inside a pod's network namespace, for port-forward. 2.5: sandboxes of one-container pods,
 * which a runtime may merge into the container; a container's start error; sandboxes and
 * containers listed together.
 */
@Export
@Version("2.5.0")
package io.gantry.api.runtime;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
