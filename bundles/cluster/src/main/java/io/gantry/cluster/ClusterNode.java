package io.gantry.cluster;

import com.hazelcast.cluster.Member;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A member of the cluster as Gantry sees it, read from its Hazelcast attributes.
 *
 * @param address host:port of the Hazelcast member
 * @param nodeName its {@value MemberAttributes#NODE} (empty if it published none)
 * @param apiUrl its {@value MemberAttributes#API} (empty if it has no API server)
 * @param lite a lite member holds no cluster state
 * @param local this JVM's member
 */
record ClusterNode(String uuid, String address, String nodeName, String apiUrl, Set<String> roles, boolean lite,
                   boolean local) {

    static ClusterNode of(Member member, Member localMember) {
        String roles = member.getAttribute(MemberAttributes.ROLES);
        return new ClusterNode(member.getUuid().toString(),
                member.getAddress().getHost() + ":" + member.getAddress().getPort(),
                orEmpty(member.getAttribute(MemberAttributes.NODE)), orEmpty(member.getAttribute(MemberAttributes.API)),
                roles == null ? Set.of() : Arrays.stream(roles.split(",")).map(String::trim).filter(r -> !r.isEmpty())
                        .collect(Collectors.toUnmodifiableSet()),
                member.isLiteMember(), member.getUuid().equals(localMember.getUuid()));
    }

    /** Whether it may lead the cluster's single-leader roles: a data member of the control plane. */
    boolean mayLead() {
        return !lite && roles.contains(MemberAttributes.CONTROL_PLANE);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
