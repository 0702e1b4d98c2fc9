/**
 * JSON and YAML mapping of the object model, strict or lenient about unknown fields.
 */
@Export
@Version("1.2.0")
package io.gantry.api.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
