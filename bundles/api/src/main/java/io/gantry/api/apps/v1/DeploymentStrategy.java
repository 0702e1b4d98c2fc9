package io.gantry.api.apps.v1;

import io.gantry.api.meta.v1.Extensible;

/**
 * Kubernetes {@code DeploymentStrategy}: {@code RollingUpdate} (the default) or
 * {@code Recreate}.
 */
public class DeploymentStrategy extends Extensible {

    public static final String ROLLING_UPDATE = "RollingUpdate";
    public static final String RECREATE = "Recreate";

    public String type;
    public RollingUpdateDeployment rollingUpdate;
}
