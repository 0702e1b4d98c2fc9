package io.gantry.cluster;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.coordination.v1.Lease;
import io.gantry.api.meta.v1.Times;
import java.time.Clock;
import java.util.Optional;

/**
 * Publishes the leader of a role as Kubernetes does: a {@code coordination.k8s.io/v1 Lease} in
 * {@code kube-system} named after the role, holder = node name. Every write is a compare-and-set
 * on the Lease's resourceVersion (a create when there is none yet), so of two nodes that both
 * believe they lead, one write fails with 409 Conflict or AlreadyExists.
 */
final class LeasePublisher {

    static final String NAMESPACE = "kube-system";

    private final int durationSeconds;
    private final Clock clock;

    LeasePublisher(int durationSeconds, Clock clock) {
        this.durationSeconds = durationSeconds;
        this.clock = clock;
    }

    /**
     * Takes the role's Lease for a new term of {@code holder}: holder, acquire and renew time, and
     * {@code leaseTransitions} one more than before (0 for a new Lease). Every term counts as a
     * transition, also a holder's return after a gap, so that the number grows with every term
     * and serves as its epoch.
     *
     * @return the Lease as stored
     * @throws ApiException 409 when another writer changed the Lease since it was read here
     */
    Lease acquire(ApiClient api, String role, String holder) {
        Optional<Lease> current = api.find(ResourceKind.LEASES, NAMESPACE, role);
        Lease lease = current.orElseGet(() -> newLease(role));
        String now = Times.formatMicro(clock.instant());
        lease.spec.holderIdentity = holder;
        lease.spec.leaseDurationSeconds = durationSeconds;
        lease.spec.acquireTime = now;
        lease.spec.renewTime = now;
        lease.spec.leaseTransitions = current.isEmpty() || lease.spec.leaseTransitions == null
                ? 0 : lease.spec.leaseTransitions + 1;
        return current.isEmpty() ? api.create(ResourceKind.LEASES, lease) : api.update(ResourceKind.LEASES, lease);
    }

    /**
     * Renews the Lease of a term.
     *
     * @param held the Lease as this term last wrote it
     * @return the Lease as stored, or empty if another holder wrote it since: the term is over
     */
    Optional<Lease> renew(ApiClient api, Lease held) {
        held.spec.renewTime = Times.formatMicro(clock.instant());
        try {
            return Optional.of(api.update(ResourceKind.LEASES, held));
        } catch (ApiException e) {
            if (!e.isConflict() && !e.isNotFound()) {
                throw e;
            }
            // changed (or removed) since our last write: still ours only if nobody else took it
            Optional<Lease> now = api.find(ResourceKind.LEASES, NAMESPACE, held.metadata.name);
            if (now.isPresent() && held.spec.holderIdentity.equals(now.get().spec.holderIdentity)
                    && held.spec.leaseTransitions.equals(now.get().spec.leaseTransitions)) {
                now.get().spec.renewTime = held.spec.renewTime;
                return Optional.of(api.update(ResourceKind.LEASES, now.get()));
            }
            return Optional.empty();
        }
    }

    private static Lease newLease(String role) {
        Lease lease = new Lease();
        lease.metadata.name = role;
        lease.metadata.namespace = NAMESPACE;
        return lease;
    }
}
