package dev.iocp.port;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A port's counters and batch-size histogram, copied at one moment: to keep, print or subtract
 * ({@link #since}). Taken by {@link PortMetrics#snapshot()}.
 *
 * @param backend    the name of the port's backend, e.g. {@code io_uring}
 * @param counters   every {@link PortCounter}, in declaration order
 * @param batchSizes the dequeue count of each of the {@link PortMetrics#BATCH_SIZE_BUCKETS} batch-size buckets
 */
public record PortMetricsSnapshot(String backend, Map<PortCounter, Long> counters, List<Long> batchSizes) {

    /**
     * Copies the counters and buckets, so that the snapshot is immutable.
     *
     * @throws NullPointerException     for a null argument, or a null element of {@code batchSizes}
     * @throws IllegalArgumentException for counters that do not include every {@link PortCounter},
     *                                  or a number of buckets other than
     *                                  {@link PortMetrics#BATCH_SIZE_BUCKETS}
     */
    public PortMetricsSnapshot {
        Objects.requireNonNull(backend, "backend");
        EnumMap<PortCounter, Long> copy = new EnumMap<>(PortCounter.class);
        copy.putAll(Objects.requireNonNull(counters, "counters")); // refuses null values too
        if (copy.size() != PortCounter.values().length) {
            throw new IllegalArgumentException("a snapshot holds every counter; missing: "
                    + missing(copy));
        }
        counters = Collections.unmodifiableMap(copy);
        batchSizes = List.copyOf(batchSizes);
        if (batchSizes.size() != PortMetrics.BATCH_SIZE_BUCKETS) {
            throw new IllegalArgumentException("a snapshot holds " + PortMetrics.BATCH_SIZE_BUCKETS
                    + " batch-size buckets, not " + batchSizes.size());
        }
    }

    private static List<PortCounter> missing(Map<PortCounter, Long> present) {
        List<PortCounter> missing = new ArrayList<>();
        for (PortCounter counter : PortCounter.values()) {
            if (!present.containsKey(counter)) {
                missing.add(counter);
            }
        }
        return missing;
    }

    static PortMetricsSnapshot of(PortMetrics metrics) {
        Map<PortCounter, Long> counters = new EnumMap<>(PortCounter.class);
        for (PortCounter counter : PortCounter.values()) {
            counters.put(counter, metrics.get(counter));
        }
        List<Long> batchSizes = new ArrayList<>(PortMetrics.BATCH_SIZE_BUCKETS);
        for (int bucket = 0; bucket < PortMetrics.BATCH_SIZE_BUCKETS; bucket++) {
            batchSizes.add(metrics.batchSizeCount(bucket));
        }
        return new PortMetricsSnapshot(metrics.backend(), counters, batchSizes);
    }

    /**
     * A counter's value.
     *
     * @param counter which counter
     * @return its value when the snapshot was taken (or its difference, in one from {@link #since})
     * @throws NullPointerException for a null counter
     */
    public long get(PortCounter counter) {
        return counters.get(Objects.requireNonNull(counter, "counter"));
    }

    /**
     * How many dequeues delivered a number of completions in {@code bucket}.
     *
     * @param bucket a bucket's index, from 0 to {@link PortMetrics#BATCH_SIZE_BUCKETS} - 1
     * @return how many dequeues the bucket counted
     * @throws IndexOutOfBoundsException for an index outside the buckets
     */
    public long batchSizeCount(int bucket) {
        return batchSizes.get(bucket);
    }

    /**
     * What happened between {@code earlier}, a snapshot of the same port, and this one: each
     * counter and bucket less its earlier value; gauges keep this snapshot's level.
     *
     * @param earlier a snapshot of the same port taken before this one
     * @return the differences, as a snapshot of the same backend
     */
    public PortMetricsSnapshot since(PortMetricsSnapshot earlier) {
        Map<PortCounter, Long> difference = new EnumMap<>(PortCounter.class);
        for (PortCounter counter : PortCounter.values()) {
            difference.put(counter, counter.isGauge() ? get(counter) : get(counter) - earlier.get(counter));
        }
        List<Long> batches = new ArrayList<>(PortMetrics.BATCH_SIZE_BUCKETS);
        for (int bucket = 0; bucket < PortMetrics.BATCH_SIZE_BUCKETS; bucket++) {
            batches.add(batchSizeCount(bucket) - earlier.batchSizeCount(bucket));
        }
        return new PortMetricsSnapshot(backend, difference, batches);
    }

    /** One line: {@code io_uring completions=… … batch sizes 0:… 1:… 2-3:… …}. */
    @Override
    public String toString() {
        StringBuilder line = new StringBuilder(backend);
        counters.forEach((counter, value) -> line.append(' ').append(counter.metricName()).append('=').append(value));
        line.append(" batch_sizes");
        for (int bucket = 0; bucket < PortMetrics.BATCH_SIZE_BUCKETS; bucket++) {
            line.append(' ').append(PortMetrics.batchSizeBucketLabel(bucket)).append(':').append(batchSizeCount(bucket));
        }
        return line.toString();
    }
}
