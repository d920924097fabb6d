package dev.iocp.port;

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
 */
public final class PortMetrics {

    /** The number of batch-size buckets: 0, 1, then powers of two up to 256–511, then 512+. */
    public static final int BATCH_SIZE_BUCKETS = 11;

    private final PortMetricsRecorder recorder;

    PortMetrics(PortMetricsRecorder recorder) {
        this.recorder = recorder;
    }

    /** The bucket a dequeue that delivered {@code batchSize} completions is counted in. */
    public static int batchSizeBucket(int batchSize) {
        if (batchSize < 0) {
            throw new IllegalArgumentException("a batch size cannot be negative: " + batchSize);
        }
        // 0 → 0, 1 → 1, 2–3 → 2, 4–7 → 3 …: the bit length of the size, capped at the last bucket.
        return Math.min(Integer.SIZE - Integer.numberOfLeadingZeros(batchSize), BATCH_SIZE_BUCKETS - 1);
    }

    /** The batch sizes a bucket counts, as a label: {@code 0}, {@code 1}, {@code 2-3} … {@code 512+}. */
    public static String batchSizeBucketLabel(int bucket) {
        checkBucket(bucket);
        if (bucket <= 1) {
            return Integer.toString(bucket);
        }
        int low = 1 << (bucket - 1);
        return bucket == BATCH_SIZE_BUCKETS - 1 ? low + "+" : low + "-" + (2 * low - 1);
    }

    private static void checkBucket(int bucket) {
        if (bucket < 0 || bucket >= BATCH_SIZE_BUCKETS) {
            throw new IndexOutOfBoundsException("bucket " + bucket + " is not in [0, " + BATCH_SIZE_BUCKETS + ")");
        }
    }

    /** The name of the port's backend, e.g. {@code io_uring}. */
    public String backend() {
        return recorder.backend();
    }

    /** A counter's current value. */
    public long get(PortCounter counter) {
        return recorder.read(counter);
    }

    /** How many dequeues delivered a number of completions in {@code bucket}. */
    public long batchSizeCount(int bucket) {
        checkBucket(bucket);
        return recorder.batchSizeCount(bucket);
    }

    /** Every counter and bucket, copied now; allocates, unlike the getters. */
    public PortMetricsSnapshot snapshot() {
        return PortMetricsSnapshot.of(this);
    }

    /** Identifies the port among those of this JVM, for the JFR event. */
    long portId() {
        return recorder.id();
    }

    /** The port's owner thread, or null while no thread has used the port. */
    Thread owner() {
        return recorder.owner();
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
