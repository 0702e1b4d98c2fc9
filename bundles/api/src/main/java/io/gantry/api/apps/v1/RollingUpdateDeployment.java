package io.gantry.api.apps.v1;

import io.gantry.api.meta.v1.Extensible;
import io.gantry.api.meta.v1.IntOrString;

/**
 * Kubernetes {@code RollingUpdateDeployment}: how far a rollout may go above the desired count
 * ({@code maxSurge}, rounded up) and below it ({@code maxUnavailable}, rounded down), each a
 * number or a percentage ({@code 25%} by default); see {@link IntOrString#scaledValue}.
 */
public class RollingUpdateDeployment extends Extensible {

    public IntOrString maxUnavailable;
    public IntOrString maxSurge;
}
