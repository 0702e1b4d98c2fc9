package io.gantry.apiserver;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * The uids of new objects: random (version 4) UUIDs, as Kubernetes gives them, each thread drawing
 * from a DRBG of its own. {@link UUID#randomUUID()} draws every uid of the JVM from one
 * NativePRNG behind one lock; at 1,000 creates/s on two cores, request threads waited up to
 * 57 ms there for a holder the OS had put aside (benchmarks/README.md, api-open).
 */
final class Uids {

    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(Uids::drbg);

    private Uids() {
    }

    static String next() {
        byte[] bytes = new byte[16];
        RANDOM.get().nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40); // version 4
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80); // IETF variant
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (bytes[i] & 0xff);
            low = (low << 8) | (bytes[i + 8] & 0xff);
        }
        return new UUID(high, low).toString();
    }

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
