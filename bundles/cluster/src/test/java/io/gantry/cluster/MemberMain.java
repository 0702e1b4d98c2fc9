package io.gantry.cluster;

import java.io.IOException;

/**
 * A cluster member in a JVM of its own, for tests that kill a member's process:
 * {@code cluster port member,member,... nodeName quorum}. It says {@code STARTED} on standard
 * output and leaves when standard input closes, or when it is killed, which is the point.
 */
public final class MemberMain {

    private MemberMain() {
    }

    public static void main(String[] args) throws IOException {
        TestCluster.MemberConfig config = new TestCluster.MemberConfig(args[0], Integer.parseInt(args[1]), args[2].split(","),
                args[3], false, new String[] {MemberAttributes.CONTROL_PLANE, MemberAttributes.NODE_ROLE},
                Integer.parseInt(args[4]), 15, 5);
        ClusterMember.start(config);
        System.out.println("STARTED");
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the test closes standard input
        }
        System.exit(0);
    }
}
