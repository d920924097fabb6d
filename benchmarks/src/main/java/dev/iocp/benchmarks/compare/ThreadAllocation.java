package dev.iocp.benchmarks.compare;

import java.lang.management.ManagementFactory;

/**
 * Heap bytes allocated by this JVM's threads, from HotSpot's per-thread allocation counters
 * ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}). The difference between two
 * readings, divided by the operations completed in between, is the heap allocated per operation;
 * with one event loop that is almost all the event loop's.
 *
 * <p>The thread that reads the counters is left out, as its own reading allocates. Threads that
 * end between two readings take their count with them; the server's threads (the event loop and
 * its main thread) live as long as the measurement.
 */
final class ThreadAllocation {
    private static final com.sun.management.ThreadMXBean THREADS = threadBean();

    private ThreadAllocation() {
    }

    /** Bytes allocated by every live thread but {@code excluded}. */
    static long allocatedBytesExcept(Thread excluded) {
        long[] ids = THREADS.getAllThreadIds();
        long[] allocated = THREADS.getThreadAllocatedBytes(ids);
        long sum = 0;
        for (int i = 0; i < ids.length; i++) {
            // -1: the thread ended after the id list was taken.
            if (ids[i] != excluded.threadId() && allocated[i] > 0) {
                sum += allocated[i];
            }
        }
        return sum;
    }

    private static com.sun.management.ThreadMXBean threadBean() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean)
                || !bean.isThreadAllocatedMemorySupported()) {
            throw new IllegalStateException("this JVM does not count allocated bytes per thread"
                    + " (com.sun.management.ThreadMXBean); the comparison needs a HotSpot JVM");
        }
        if (!bean.isThreadAllocatedMemoryEnabled()) {
            bean.setThreadAllocatedMemoryEnabled(true);
        }
        return bean;
    }
}
