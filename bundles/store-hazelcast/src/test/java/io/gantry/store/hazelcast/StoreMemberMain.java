package io.gantry.store.hazelcast;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * A data member in a JVM of its own, for tests that kill a member's process: {@code cluster
 * port member-ports...}. It holds its share of the store's replicas and runs the store's entry
 * processors for them; it says {@code STARTED} on standard output, and leaves when standard input
 * closes (or when it is killed, which is the point).
 */
public final class StoreMemberMain {

    private StoreMemberMain() {
    }

    public static void main(String[] args) throws IOException {
        String cluster = args[0];
        int port = Integer.parseInt(args[1]);
        List<Integer> ports = Arrays.stream(args).skip(2).map(Integer::valueOf).toList();
        HazelcastInstance member = Hazelcast.newHazelcastInstance(TestMembers.configOnPort(cluster, ports, port));
        System.out.println("STARTED " + member.getCluster().getLocalMember().getUuid());
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the test to close standard input
        }
        member.shutdown();
    }
}
