/**
 * Load balancer SPI: picks the backend of a service for a new connection, seeing the service,
 * the client and the live connection counts. 2.0: {@code pick} takes a {@link
 * io.gantry.api.lb.PickRequest} instead of (backends, sequence); a plugin may name the kernel's form of
 * its algorithm ({@link io.gantry.api.lb.KernelAlgorithm}); a proxy says what it uses
 * ({@link io.gantry.api.lb.LoadBalancerStatus}).
 */
@Export
@Version("2.0.0")
package io.gantry.api.lb;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
