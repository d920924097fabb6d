package dev.iocp.benchmarks.compare;

import java.util.Arrays;

/**
 * Round-trip times of one measured interval, every one of them (a 10-second ping-pong on loopback
 * is a few hundred thousand samples: a few MiB), so percentiles are exact rather than bucketed.
 */
final class LatencySamples {
    private static final int INITIAL_CAPACITY = 1 << 16;
    /** Past this many samples (about an hour of 10 µs round trips) further ones are dropped. */
    private static final int MAX_SAMPLES = 1 << 28;

    private long[] nanos = new long[INITIAL_CAPACITY];
    private int count;
    private boolean sorted = true;

    void record(long sampleNanos) {
        if (count == nanos.length) {
            if (count == MAX_SAMPLES) {
                return;
            }
            nanos = Arrays.copyOf(nanos, Math.min(count * 2, MAX_SAMPLES));
        }
        nanos[count++] = sampleNanos;
        sorted = false;
    }

    int count() {
        return count;
    }

    /** The nearest-rank percentile ({@link Stats#percentile}) in microseconds. */
    double percentileMicros(double percent) {
        if (!sorted) {
            Arrays.sort(nanos, 0, count);
            sorted = true;
        }
        return Stats.percentile(nanos, count, percent) / 1_000.0;
    }
}
