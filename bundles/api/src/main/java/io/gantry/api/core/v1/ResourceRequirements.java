package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;
import java.util.Map;

/**
 * Kubernetes {@code ResourceRequirements}: quantities by resource name ({@code cpu},
 * {@code memory}), as written ({@code 250m}, {@code 64Mi}); {@link Quantity} reads them.
 */
public class ResourceRequirements extends Extensible {

    public Map<String, String> limits;
    public Map<String, String> requests;
}
