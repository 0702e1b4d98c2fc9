package io.gantry.api.coordination.v1;

import io.gantry.api.meta.v1.Extensible;
import io.gantry.api.meta.v1.Times;
import java.time.Instant;

/**
 * Kubernetes {@code LeaseSpec}: the holder, how long a renewal lasts, when the lease was
 * acquired and last renewed (MicroTimes, see {@link Times#formatMicro}) and how often it
 * changed hands.
 */
public class LeaseSpec extends Extensible {

    public String holderIdentity;
    public Integer leaseDurationSeconds;
    public String acquireTime;
    public String renewTime;
    public Integer leaseTransitions;
    /** The strategy for picking a leader in coordinated election; Kubernetes 1.31+. */
    public String strategy;
    public String preferredHolder;

    /**
     * True if the lease is held and its last renewal plus its duration lies after {@code now}.
     */
    public boolean isHeldAt(Instant now) {
        Instant renewed = Times.parse(renewTime);
        return holderIdentity != null && !holderIdentity.isEmpty() && renewed != null && leaseDurationSeconds != null
                && renewed.plusSeconds(leaseDurationSeconds).isAfter(now);
    }
}
