package dev.iocp.port;

import java.util.Objects;

/**
 * A read-only view of one port's counters, live: what {@link CompletionPort#metrics()} returns.
 * Safe to read from any thread, at any time, also after the port has closed (the counters then
 * keep their last values). Reading never blocks or slows the port: the owner writes each counter
 * alone, with no lock, and a reader sees a recent value of each, not a consistent cut across
 * them; take a {@link #snapshot()} to keep or compare values.
 *
 * <p>Besides the {@linkplain PortCounter counters} a port keeps a histogram of how many
 * completions each dequeue delivered, in power-of-two buckets: 0, 1, 2–3, 4–7, … 256–511 and 512
 * or more ({@link #batchSizeBucket}). Many dequeues in bucket 0 or 1 under load mean the loop
 * wakes for little; large batches mean each system call is shared by many completions.
 *
 * <p>The ports implement this interface; applications read it and have no need to implement it
 * (a test double of a {@link CompletionPort} may).
 */
public interface PortMetrics {

    /** The number of batch-size buckets: 0, 1, then powers of two up to 256–511, then 512+. */
    int BATCH_SIZE_BUCKETS = 11;

    /**
     * The bucket a dequeue that delivered {@code batchSize} completions is counted in.
     *
     * @param batchSize the number of completions one dequeue delivered, 0 or more
     * @return the bucket's index, from 0 to {@link #BATCH_SIZE_BUCKETS} - 1: the bit length of
     *         {@code batchSize}, so 0 → 0, 1 → 1, 2–3 → 2, 4–7 → 3, …, 512 and more → 10
     * @throws IllegalArgumentException if {@code batchSize} is negative
     */
    static int batchSizeBucket(int batchSize) {
        if (batchSize < 0) {
            throw new IllegalArgumentException("a batch size cannot be negative: " + batchSize);
        }
        // 0 → 0, 1 → 1, 2–3 → 2, 4–7 → 3 …: the bit length of the size, capped at the last bucket.
        return Math.min(Integer.SIZE - Integer.numberOfLeadingZeros(batchSize), BATCH_SIZE_BUCKETS - 1);
    }

    /**
     * The batch sizes a bucket counts, as a label for reports and metric tags.
     *
     * @param bucket a bucket's index, from 0 to {@link #BATCH_SIZE_BUCKETS} - 1
     * @return {@code 0}, {@code 1}, {@code 2-3}, {@code 4-7}, … {@code 256-511} or {@code 512+}
     * @throws IndexOutOfBoundsException if {@code bucket} is not a bucket's index
     */
    static String batchSizeBucketLabel(int bucket) {
        Objects.checkIndex(bucket, BATCH_SIZE_BUCKETS);
        if (bucket <= 1) {
            return Integer.toString(bucket);
        }
        int low = 1 << (bucket - 1);
        return bucket == BATCH_SIZE_BUCKETS - 1 ? low + "+" : low + "-" + (2 * low - 1);
    }

    /**
     * The name of the port's backend.
     *
     * @return {@code io_uring} or {@code nio}, as {@link Backend#name()} says
     */
    String backend();

    /**
     * A counter's current value: a recent value written by the port's owner thread, read without
     * synchronising with it.
     *
     * @param counter which counter
     * @return the counter's value: a count since the port opened, or for a
     *         {@linkplain PortCounter#isGauge() gauge} its level now
     * @throws NullPointerException if {@code counter} is null
     */
    long get(PortCounter counter);

    /**
     * How many dequeues delivered a number of completions in {@code bucket}, since the port
     * opened.
     *
     * @param bucket a bucket's index, from 0 to {@link #BATCH_SIZE_BUCKETS} - 1 (see
     *               {@link #batchSizeBucket})
     * @return the number of dequeues counted in that bucket
     * @throws IndexOutOfBoundsException if {@code bucket} is not a bucket's index
     */
    long batchSizeCount(int bucket);

    /**
     * Every counter and bucket, copied now; allocates, unlike the getters.
     *
     * @return a snapshot of this port's counters and histogram, independent of the port from then on
     */
    default PortMetricsSnapshot snapshot() {
        return PortMetricsSnapshot.of(this);
    }
}
