package io.gantry.store.hazelcast;

import java.nio.ByteBuffer;

/** What a store entry processor answers, as plain bytes: a status and then its data. */
final class Outcome {

    static final byte OK = 0;
    static final byte EXISTS = 1;
    static final byte NOT_FOUND = 2;
    static final byte CONFLICT = 3;
    /** The primary's revision clock must be rebuilt first (see {@link RevisionClock}). */
    static final byte CLOCK_UNTRUSTED = 4;

    private Outcome() {
    }

    static byte[] of(byte status) {
        return new byte[] {status};
    }

    static byte[] ok(byte[] record) {
        byte[] outcome = new byte[record.length + 1];
        outcome[0] = OK;
        System.arraycopy(record, 0, outcome, 1, record.length);
        return outcome;
    }

    static byte[] revision(byte status, long revision) {
        return ByteBuffer.allocate(9).put(status).putLong(revision).array();
    }

    static byte status(byte[] outcome) {
        return outcome[0];
    }

    static byte[] record(byte[] outcome) {
        byte[] record = new byte[outcome.length - 1];
        System.arraycopy(outcome, 1, record, 0, record.length);
        return record;
    }

    static long revision(byte[] outcome) {
        return ByteBuffer.wrap(outcome).getLong(1);
    }
}
