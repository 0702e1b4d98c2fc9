package io.gantry.api.cluster;

/**
 * Elects one leader per role across the cluster, as Kubernetes' leader election does for
 * kube-scheduler and kube-controller-manager, and publishes it as a {@code Lease} in
 * {@code kube-system} named after the role. A node's cluster bundle registers it as an OSGi
 * service; components that must run once per cluster campaign for their role and do their work
 * only between {@link Candidate#startLeading} and {@link Candidate#stopLeading}.
 *
 * <p>No node leads on the minority side of a partition. A leader that loses its role is told
 * before another node is told to start, as far as the cluster can know; writes a deposed leader
 * still attempts are refused where the API server can tell (see {@link Term}).
 */
public interface LeaderElection {

    /** Well-known roles, named as Kubernetes names their leases. */
    String SCHEDULER = "kube-scheduler";
    String CONTROLLER_MANAGER = "kube-controller-manager";

    /**
     * Campaigns for a role until the campaign is closed. The candidate's calls come one at a
     * time, from a thread of the election's, alternating start, stop, start...; closing a leading
     * campaign calls {@link Candidate#stopLeading} before it returns.
     */
    Campaign campaign(String role, Candidate candidate);

    /** The current term of a role as this node knows it, or null while it has no leader. */
    Term current(String role);

    /** Told when this node starts and stops leading a role. */
    interface Candidate {

        /** This node leads the role from now until {@link #stopLeading}. */
        void startLeading(Term term);

        /** This node no longer leads the role: stop writing at once. */
        void stopLeading();
    }

    /** One campaign; closing it gives up the role (if held) and stops campaigning. */
    interface Campaign extends AutoCloseable {

        /** True while this node leads the role. */
        boolean isLeading();

        @Override
        void close();
    }

    /**
     * One leader's tenure of a role: the leader's identity and an epoch that grows with every
     * change of leader (the Lease's {@code leaseTransitions}).
     */
    record Term(String role, String holder, long epoch) {

        /** The term as {@link io.gantry.api.client.ApiClient#LEADER_TERM_HEADER} carries it: {@code role/holder/epoch}. */
        public String token() {
            return role + "/" + holder + "/" + epoch;
        }

        /**
         * Reads a {@link #token()}.
         *
         * @throws IllegalArgumentException when it is not {@code role/holder/epoch}
         */
        public static Term parse(String token) {
            String[] parts = token.split("/", -1);
            if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new IllegalArgumentException("a leader term is role/holder/epoch, not \"" + token + "\"");
            }
            try {
                return new Term(parts[0], parts[1], Long.parseLong(parts[2]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the epoch of leader term \"" + token + "\" is not a number");
            }
        }
    }
}
