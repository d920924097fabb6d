package dev.iocp.port;

/**
 * The counters every {@link CompletionPort} keeps, each with a stable name and a description,
 * so that exporters (JFR, Micrometer, a benchmark's report) can iterate them instead of
 * knowing each one. {@link PortMetrics#get} reads one; the dequeue batch-size histogram sits
 * beside them ({@link PortMetrics#batchSizeCount}).
 *
 * <p>A counter only grows; a {@linkplain #isGauge() gauge} is a current level. Where a counter
 * means nothing on a backend it stays 0, and its description says so.
 */
public enum PortCounter {
    /** Completions delivered to handlers, posted ones included. */
    COMPLETIONS("completions", false,
            "completions delivered to handlers by dequeue, posts included"),
    /** Dequeue calls that returned; equal to the sum of the batch-size histogram. */
    DEQUEUES("dequeues", false,
            "dequeue calls that returned, whatever they delivered (the sum of the batch-size histogram)"),
    /** System calls the owner made to submit, reap or wait (on nio: selections). */
    KERNEL_ENTRIES("kernel.entries", false,
            "system calls the owner made to submit, reap or wait: io_uring_enter on io_uring, "
                    + "selections on nio (not the reads and writes nio performs on ready sockets)"),
    /** Kernel entries that were allowed to block. */
    KERNEL_WAITS("kernel.waits", false,
            "kernel entries allowed to block until a completion, a wake-up or the timeout"),
    /** Operations submitted: submit calls that returned an operation id. */
    SUBMISSIONS("submissions", false,
            "operations submitted: submit calls that returned an operation id"),
    /** Submission entries that found the submission ring full and waited in the port; 0 on nio. */
    SUBMISSIONS_BACKLOGGED("submissions.backlogged", false,
            "entries (the port's own included) that found the submission ring full and waited in the "
                    + "port's backlog for the next kernel entry; always 0 on nio, whose queues grow"),
    /** Kernel entries that found completions held back because the completion ring was full; 0 on nio. */
    COMPLETION_QUEUE_OVERFLOWS("completion_queue.overflows", false,
            "kernel entries that found completions held back in the kernel because the completion ring "
                    + "was full (IORING_SQ_CQ_OVERFLOW): a sign that completionQueueEntries is too small; "
                    + "always 0 on nio"),
    /** Completions the kernel lost, as the ring's own count says; 0 on nio. */
    COMPLETIONS_DROPPED("completions.dropped", false,
            "completions the kernel lost because it could not even hold them back (the ring's "
                    + "cq_overflow counter: with IORING_FEAT_NODROP only when memory runs out); "
                    + "always 0 on nio"),
    /** A gauge: operations submitted and not yet delivered, as {@link CompletionPort#pendingOperations()}. */
    OPERATIONS_IN_FLIGHT("operations.in_flight", true,
            "operations submitted whose completion has not been delivered (pendingOperations())"),
    /** Wake-ups that found the owner waiting and made the system call that ended its wait. */
    WAKEUPS_SIGNALLED("wakeups.signalled", false,
            "wake-ups (wakeup() or post() from another thread) that found the owner waiting and made "
                    + "the system call that ends its wait: at most one per wait"),
    /** Waits the owner skipped because wake-ups came while it was busy. */
    WAKEUPS_COALESCED("wakeups.coalesced", false,
            "waits the owner skipped because wake-ups came while it was busy: no system call, and "
                    + "however many came in that time count once"),
    /** A gauge: receive buffers provided to the kernel (io_uring's provided buffer ring); 0 on nio. */
    PROVIDED_BUFFERS("provided_buffers.registered", true,
            "receive buffers the port has provided to the kernel (io_uring provided buffer ring); "
                    + "0 until the port first receives into provided buffers, and on nio"),
    /** A gauge: provided buffers holding received data not yet returned to the port. */
    PROVIDED_BUFFERS_IN_USE("provided_buffers.in_use", true,
            "provided buffers holding received data not yet returned to the port; stream receives "
                    + "copy the data out before the handler returns, so this stays 0 between batches"),
    /** Stream receives that found no provided buffer free ({@code ENOBUFS}). */
    PROVIDED_BUFFER_EXHAUSTIONS("provided_buffers.exhausted", false,
            "times a stream receive found no provided buffer free (ENOBUFS) and the ring grew or "
                    + "waited for buffers to come back");

    private final String metricName;
    private final boolean gauge;
    private final String description;

    PortCounter(String metricName, boolean gauge, String description) {
        this.metricName = metricName;
        this.gauge = gauge;
        this.description = description;
    }

    /**
     * A stable, dot-separated lower-case name, e.g. {@code kernel.waits}, for exporters.
     *
     * @return the name, unique among the counters and stable across releases
     */
    public String metricName() {
        return metricName;
    }

    /**
     * Whether this is a level that goes up and down rather than a count that only grows.
     *
     * @return true for a gauge, false for a counter
     */
    public boolean isGauge() {
        return gauge;
    }

    /**
     * What is counted, in one sentence.
     *
     * @return the description, for a metric's help text
     */
    public String description() {
        return description;
    }
}
