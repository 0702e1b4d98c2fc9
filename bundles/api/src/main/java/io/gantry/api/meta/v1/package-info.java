/**
 * Kubernetes {@code meta/v1}: object metadata, lists, Status and delete options, and the base
 * class that keeps the fields a model class does not declare.
 */
@Export
@Version("1.2.0")
package io.gantry.api.meta.v1;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
