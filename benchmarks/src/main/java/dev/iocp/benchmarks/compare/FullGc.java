package dev.iocp.benchmarks.compare;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * Full collections until the heap stops shrinking, so that what is left is the live heap.
 *
 * <p>Before each collection every event loop runs a few tasks: a connection can be inactive
 * (counted closed) while its event loop still holds it until the completions of its close and
 * cancellations have been handled; Netty's io_uring transport held most of 10 000 just-closed
 * connections that way for a moment. After each collection, a wait until a weak reference it
 * cleared has been enqueued (proof that the reference handler thread has run): what only weak or
 * phantom references or a cleaner still held is freed by the next one. Collections go on until
 * one frees next to nothing; usually that is the second.
 *
 * <p>The server runs the serial collector with {@code -XX:MarkSweepDeadRatio=0}
 * ({@link ServerLauncher}): by default its full collection may leave up to 5 % of the old
 * generation as uncompacted dead space, counted as used, which here hid 10 000 closed connections'
 * worth of freed heap on three full collections out of four.
 */
final class FullGc {
    private static final int MAX_COLLECTIONS = 6;
    /** A collection that frees less than this has found everything there was to find. */
    private static final long SETTLED_BYTES = 64 * 1024;
    private static final long REFERENCE_WAIT_MILLIS = 2_000;
    private static final int DRAIN_PASSES = 3;

    private FullGc() {
    }

    /** Collects until the heap has settled; the heap in use then. */
    static long collect(EventLoopGroup group) throws InterruptedException {
        long previous = Long.MAX_VALUE;
        long used = heapUsed();
        for (int i = 0; i < MAX_COLLECTIONS; i++) {
            drain(group);
            ReferenceQueue<Object> processed = new ReferenceQueue<>();
            WeakReference<Object> sentinel = new WeakReference<>(new Object(), processed);
            System.gc();
            processed.remove(REFERENCE_WAIT_MILLIS);
            // An unreachable WeakReference object is never enqueued: keep this one until here.
            Reference.reachabilityFence(sentinel);
            used = heapUsed();
            if (previous - used < SETTLED_BYTES) {
                break;
            }
            previous = used;
        }
        return used;
    }

    /**
     * Lets every event loop run a few iterations (a task each, waited for), so that what it had
     * still to do for connections that are already inactive (completions of their closes and
     * cancellations, deregistration) is done before the heap is measured.
     */
    private static void drain(EventLoopGroup group) throws InterruptedException {
        for (int pass = 0; pass < DRAIN_PASSES; pass++) {
            for (EventExecutor loop : group) {
                loop.submit(() -> { }).sync();
            }
        }
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
