package dev.iocp.benchmarks.compare;

import java.util.Arrays;

/** Medians and spreads over rounds, percentiles over latency samples. */
final class Stats {
    private Stats() {
    }

    /**
     * The median of the values that are not NaN: the middle one, or the mean of the two middle
     * ones for an even count; NaN when there is none.
     */
    static double median(double[] values) {
        double[] present = present(values);
        int n = present.length;
        if (n == 0) {
            return Double.NaN;
        }
        Arrays.sort(present);
        return n % 2 == 1 ? present[n / 2] : (present[n / 2 - 1] + present[n / 2]) / 2;
    }

    /** The smallest value that is not NaN; NaN when there is none. */
    static double min(double[] values) {
        double[] present = present(values);
        return present.length == 0 ? Double.NaN : Arrays.stream(present).min().orElseThrow();
    }

    /** The largest value that is not NaN; NaN when there is none. */
    static double max(double[] values) {
        double[] present = present(values);
        return present.length == 0 ? Double.NaN : Arrays.stream(present).max().orElseThrow();
    }

    /**
     * The nearest-rank percentile of {@code sorted} (ascending): the smallest sample such that at
     * least {@code percent} % of the samples are at or below it. For 100 samples, p50 is the 50th
     * and p99 the 99th. {@code count} samples from the start of the array are used.
     */
    static long percentile(long[] sorted, int count, double percent) {
        if (!(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("percentile " + percent + " is outside (0, 100]");
        }
        if (count <= 0) {
            throw new IllegalArgumentException("no samples");
        }
        int rank = (int) Math.ceil(percent / 100 * count);
        return sorted[Math.max(rank, 1) - 1];
    }

    private static double[] present(double[] values) {
        return Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
    }
}
