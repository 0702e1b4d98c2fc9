/**
 * The in-process API client every component uses, resource kinds, selectors, watches and informers.
 */
@Export
@Version("1.5.0")
package io.gantry.api.client;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
