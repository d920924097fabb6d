package dev.iocp.benchmarks.compare;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * Full collections until the heap stops shrinking, so that what is left is the live heap.
 *
 * <p>One {@code System.gc()} can leave objects that only weak or phantom references (or a
 * cleaner's action) still held: they are freed by a collection after the reference handler thread
 * has processed the references the first one found. So each collection is followed by a wait until
 * a weak reference it cleared has been enqueued (proof that the reference handler has run), and
 * collections go on until one frees next to nothing; usually that is the second.
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

    private FullGc() {
    }

    /** Collects until the heap has settled; the heap in use then. */
    static long collect() throws InterruptedException {
        long previous = Long.MAX_VALUE;
        long used = heapUsed();
        for (int i = 0; i < MAX_COLLECTIONS; i++) {
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

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
