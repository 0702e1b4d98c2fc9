package io.gantry.cluster;

import io.gantry.api.Configs;
import java.io.IOException;
import java.util.Map;

/**
 * A cluster member in a JVM of its own, for tests that kill a member's process:
 * {@code cluster port member,member,... nodeName quorum}. It says {@code STARTED} on standard
 * output and leaves when standard input closes, or when it is killed, which is the point.
 */
public final class MemberMain {

    private MemberMain() {
    }

    public static void main(String[] args) throws IOException {
        ClusterMember.start(Configs.of(ClusterMember.Config.class, Map.of(
                "clusterName", args[0],
                "port", Integer.parseInt(args[1]),
                "members", args[2].split(","),
                "nodeName", args[3],
                "quorum", Integer.parseInt(args[4]),
                "pluginFactoryIds", new int[0]))); // no plugin bundle here publishes a serialization factory
        System.out.println("STARTED");
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the test closes standard input
        }
        System.exit(0);
    }
}
