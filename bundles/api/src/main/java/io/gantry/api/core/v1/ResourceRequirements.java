package io.gantry.api.core.v1;

import java.util.Map;

/**
 * Kubernetes {@code ResourceRequirements}: quantities by resource name ({@code cpu},
 * {@code memory}), as written ({@code 250m}, {@code 64Mi}); {@link Quantity} reads them.
 */
public class ResourceRequirements {

    public Map<String, String> limits;
    public Map<String, String> requests;
}
