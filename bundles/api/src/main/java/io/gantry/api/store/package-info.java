/**
 * Storage backend SPI: a revisioned key-value store with watch, as etcd v3 offers.
 */
@Export
@Version("1.3.0")
package io.gantry.api.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
