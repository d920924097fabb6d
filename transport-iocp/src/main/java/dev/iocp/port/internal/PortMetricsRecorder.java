package dev.iocp.port.internal;

import dev.iocp.port.CompletionPort;
import dev.iocp.port.PortCounter;
import dev.iocp.port.PortMetrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The writing side of a port's {@link PortMetrics}: what a backend calls as things happen. Not
 * for applications, which read the {@linkplain #view() view} that
 * {@link CompletionPort#metrics()} returns.
 *
 * <p><b>Cost.</b> The owner-thread methods are plain increments of one writer's counters, as
 * libuv's {@code uv_metrics_t} and Agrona's {@code AtomicCounter.incrementOpaque} do: each is a
 * read of the owner's own last value and an opaque store ({@link VarHandle#setOpaque}), with no
 * lock, no atomic read-modify-write, no fence and no allocation. Opaque stores never tear, so
 * another thread reads a whole recent value, not necessarily the latest. The counters live in
 * one array padded at both ends, so that the owner's stores do not share a cache line with
 * objects other threads write.
 *
 * <p>Wake-ups come from any thread, so counting each {@code wakeup()} or {@code post()} call
 * would cost every cross-thread hand-off an atomic increment (measured: about 4.5 ns on a
 * same-thread post and dequeue of 40 ns). {@link CoalescedWakeup} counts them where it is free
 * instead: a signal on the waker's side, as a {@link LongAdder} bumped at most once per wait
 * beside a system call, and the wake-ups that found the owner busy on the owner's side, once
 * per wait they made it skip.
 *
 * <p><b>Lifecycle.</b> A port creates its recorder first, calls {@link #opened()} once it is
 * fully built, which makes it one of the live ports that the {@code dev.iocp.PortStatistics} JFR
 * event reports, and {@link #closed()} when it closes. The live-port registry holds ports
 * weakly, so a port dropped without being closed is not kept alive by it either.
 */
public final class PortMetricsRecorder {
    private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(long[].class);
    private static final AtomicLong IDS = new AtomicLong();

    /** Longs (a 64-byte cache line) kept free before and after the counters. */
    private static final int PAD = 8;
    private static final int COUNTERS = PortCounter.values().length;
    /**
     * Each counter's slot is PAD + its ordinal (those kept elsewhere, the signalled wake-ups, the
     * gauge of operations in flight and the dequeues the histogram sums, leave theirs unused);
     * the histogram's buckets follow.
     */
    private static final int BUCKETS = PAD + COUNTERS;

    private static final int COMPLETIONS = slot(PortCounter.COMPLETIONS);
    private static final int KERNEL_ENTRIES = slot(PortCounter.KERNEL_ENTRIES);
    private static final int KERNEL_WAITS = slot(PortCounter.KERNEL_WAITS);
    private static final int SUBMISSIONS = slot(PortCounter.SUBMISSIONS);
    private static final int SUBMISSIONS_BACKLOGGED = slot(PortCounter.SUBMISSIONS_BACKLOGGED);
    private static final int COMPLETION_QUEUE_OVERFLOWS = slot(PortCounter.COMPLETION_QUEUE_OVERFLOWS);
    private static final int COMPLETIONS_DROPPED = slot(PortCounter.COMPLETIONS_DROPPED);
    private static final int WAKEUPS_COALESCED = slot(PortCounter.WAKEUPS_COALESCED);
    private static final int PROVIDED_BUFFERS = slot(PortCounter.PROVIDED_BUFFERS);
    private static final int PROVIDED_BUFFERS_IN_USE = slot(PortCounter.PROVIDED_BUFFERS_IN_USE);
    private static final int PROVIDED_BUFFER_EXHAUSTIONS = slot(PortCounter.PROVIDED_BUFFER_EXHAUSTIONS);

    private final long id = IDS.incrementAndGet();
    private final String backend;
    private final OwnerThread owner;
    private final IntSupplier operationsInFlight;
    private final long[] values = new long[BUCKETS + PortMetrics.BATCH_SIZE_BUCKETS + PAD];
    private final LongAdder wakeupsSignalled = new LongAdder();
    private final PortMetrics view = new View();

    /**
     * @param backend            the name of the port's backend, e.g. {@code io_uring}
     * @param owner              the port's owner, reported with its counters
     * @param operationsInFlight the port's {@link CompletionPort#pendingOperations()}; read from
     *                           any thread, so it must tolerate a racy read (a recent value)
     */
    public PortMetricsRecorder(String backend, OwnerThread owner, IntSupplier operationsInFlight) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.operationsInFlight = Objects.requireNonNull(operationsInFlight, "operationsInFlight");
    }

    private static int slot(PortCounter counter) {
        return PAD + counter.ordinal();
    }

    /** The read-only view of these counters; any thread. */
    public PortMetrics view() {
        return view;
    }

    // ---- owner thread ---------------------------------------------------------------------

    private void add(int slot, long amount) {
        VALUES.setOpaque(values, slot, values[slot] + amount);
    }

    private void set(int slot, long value) {
        VALUES.setOpaque(values, slot, value);
    }

    /** An operation was submitted: a submit call is about to return its id. */
    public void submitted() {
        add(SUBMISSIONS, 1);
    }

    /** A submission queue entry found the ring full and waits in the port's backlog. */
    public void submissionBacklogged() {
        add(SUBMISSIONS_BACKLOGGED, 1);
    }

    /** The owner entered the kernel to submit, reap or wait; {@code mayWait} if it could block. */
    public void enteredKernel(boolean mayWait) {
        add(KERNEL_ENTRIES, 1);
        if (mayWait) {
            add(KERNEL_WAITS, 1);
        }
    }

    /** A dequeue returned, having delivered {@code delivered} completions. */
    public void dequeued(int delivered) {
        add(COMPLETIONS, delivered);
        add(BUCKETS + PortMetrics.batchSizeBucket(delivered), 1);
    }

    /**
     * What the owner found in the kernel's completion ring as it entered the kernel, which is
     * where the kernel moves completions it held back into the ring once there is room.
     *
     * @param overflowed whether completions were held back because the ring was full
     * @param dropped    the ring's running count of completions lost, as the kernel keeps it
     */
    public void completionQueueSampled(boolean overflowed, long dropped) {
        if (overflowed) {
            add(COMPLETION_QUEUE_OVERFLOWS, 1);
        }
        if (dropped != values[COMPLETIONS_DROPPED]) {
            set(COMPLETIONS_DROPPED, dropped);
        }
    }

    // Provided buffers: the io_uring port's provided buffer ring (ReceiveBuffers).

    /** How many receive buffers the port has provided to the kernel (a gauge). */
    public void providedBuffers(long registered) {
        set(PROVIDED_BUFFERS, registered);
    }

    /** How many provided buffers hold data not yet returned to the port (a gauge). */
    public void providedBuffersInUse(long inUse) {
        set(PROVIDED_BUFFERS_IN_USE, inUse);
    }

    /** A receive found no provided buffer free. */
    public void providedBufferExhausted() {
        add(PROVIDED_BUFFER_EXHAUSTIONS, 1);
    }

    /** The port is fully built: it reports to JFR from now on. Call once, last in its constructor. */
    public void opened() {
        LivePorts.add(this);
    }

    /** The port is closed: it no longer reports to JFR. Its counters stay readable. */
    public void closed() {
        LivePorts.remove(this);
    }

    // ---- CoalescedWakeup --------------------------------------------------------------------

    /** Owner: wake-ups came while it was busy, so it skips its wait. */
    void wakeupsCoalesced() {
        add(WAKEUPS_COALESCED, 1);
    }

    /** The waker whose system call ended the owner's wait; any thread, at most once per wait. */
    void wakeupSignalled() {
        wakeupsSignalled.increment();
    }

    // ---- reading (the view, the JFR event) -------------------------------------------------

    /** Identifies the port among those of this JVM, for the JFR event. */
    long id() {
        return id;
    }

    /**
     * The {@linkplain #id() id} under which the JFR event reports the port that handed out
     * {@code metrics}, so that its events can be told from other ports'.
     *
     * @throws IllegalArgumentException for metrics that no recorder handed out
     */
    public static long portId(PortMetrics metrics) {
        if (metrics instanceof View view) {
            return view.recorder().id;
        }
        throw new IllegalArgumentException("not the metrics of a port of this transport: " + metrics);
    }

    String backend() {
        return backend;
    }

    /** The owner, or null while no thread has used the port. */
    Thread owner() {
        return owner.thread();
    }

    long read(PortCounter counter) {
        return switch (counter) {
            case DEQUEUES -> dequeues();
            case OPERATIONS_IN_FLIGHT -> operationsInFlight.getAsInt();
            case WAKEUPS_SIGNALLED -> wakeupsSignalled.sum();
            default -> (long) VALUES.getOpaque(values, slot(counter));
        };
    }

    long batchSizeCount(int bucket) {
        return (long) VALUES.getOpaque(values, BUCKETS + Objects.checkIndex(bucket, PortMetrics.BATCH_SIZE_BUCKETS));
    }

    /** Every dequeue lands in one bucket, so the buckets' sum is the number of dequeues. */
    private long dequeues() {
        long sum = 0;
        for (int bucket = 0; bucket < PortMetrics.BATCH_SIZE_BUCKETS; bucket++) {
            sum += batchSizeCount(bucket);
        }
        return sum;
    }

    /**
     * What {@link CompletionPort#metrics()} hands out: the reading methods only, so an
     * application cannot reach the writing ones by a cast.
     */
    private final class View implements PortMetrics {
        PortMetricsRecorder recorder() {
            return PortMetricsRecorder.this;
        }

        @Override
        public String backend() {
            return backend;
        }

        @Override
        public long get(PortCounter counter) {
            return read(Objects.requireNonNull(counter, "counter"));
        }

        @Override
        public long batchSizeCount(int bucket) {
            return PortMetricsRecorder.this.batchSizeCount(bucket);
        }

        @Override
        public String toString() {
            return snapshot().toString();
        }
    }
}
