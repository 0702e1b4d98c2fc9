/**
 * Live migration of the cluster state between storage backends, as the API server offers it.
 */
@Export
@Version("1.0.0")
package io.gantry.api.store.migration;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
