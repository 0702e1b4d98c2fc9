package io.gantry.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * Latencies of one measured phase, in nanoseconds, and the row of percentiles every benchmark
 * prints for them. Thread-safe: concurrent clients add to one instance.
 */
final class Latencies {

    private long[] nanos = new long[1024];
    private int size;

    synchronized void add(long latencyNanos) {
        if (size == nanos.length) {
            nanos = Arrays.copyOf(nanos, size * 2);
        }
        nanos[size++] = latencyNanos;
    }

    synchronized int count() {
        return size;
    }

    /** The p-th percentile in milliseconds (nearest rank), or NaN when nothing was recorded. */
    synchronized double percentileMillis(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(nanos, size);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * size) - 1;
        return sorted[Math.max(0, Math.min(size - 1, index))] / 1e6;
    }

    double p50() {
        return percentileMillis(50);
    }

    double p99() {
        return percentileMillis(99);
    }

    double max() {
        return percentileMillis(100);
    }

    /** One printed row: percentiles, and a rate when {@code perSecond} is a number. */
    void print(String what, double perSecond) {
        System.out.printf(Locale.ROOT, "  %-30s n %6d   p50 %8.3f ms   p90 %8.3f ms   p99 %8.3f ms   max %8.2f ms%s%n",
                what, count(), p50(), percentileMillis(90), p99(), max(),
                Double.isNaN(perSecond) ? "" : String.format(Locale.ROOT, "   %.0f/s", perSecond));
    }

    /** A row comparing this phase with its peer measured in the same run. */
    void printRatio(String what, Latencies peer, double perSecond, double peerPerSecond) {
        System.out.printf(Locale.ROOT, "  %-30s p50 %s   p99 %s%s%n", what + " / peer",
                ratio(p50(), peer.p50()), ratio(p99(), peer.p99()),
                Double.isNaN(perSecond) ? "" : "   rate " + ratio(perSecond, peerPerSecond));
    }

    /** "x1.23", or "-" when the peer's number is zero or missing (a ratio would say nothing). */
    private static String ratio(double value, double peer) {
        return peer > 0 && !Double.isNaN(value) ? String.format(Locale.ROOT, "x%.3g", value / peer) : "-";
    }
}
