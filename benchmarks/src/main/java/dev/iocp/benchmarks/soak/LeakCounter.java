package dev.iocp.benchmarks.soak;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the leaks Netty's leak detector reports, at PARANOID (every buffer tracked).
 *
 * <p>Netty only logs a leak; a soak needs a number it can fail on, so every detector Netty
 * creates comes from this factory and counts its reports. Netty reports each distinct leak
 * trace once, so the count is of leak sites seen, a lower bound of leaked objects; any count
 * above zero is a failure. The first few reports are printed in full (they say where the buffer
 * was last touched); the rest are only counted, to keep a ten-minute log readable.
 */
final class LeakCounter {
    private static final int PRINTED_IN_FULL = 3;
    private static final AtomicLong REPORTS = new AtomicLong();

    private LeakCounter() {
    }

    /**
     * Installs the counting factory. Must run before any buffer class is initialised: each
     * buffer class asks the factory for its detector once, in its static initialiser.
     */
    static void install() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new CountingFactory());
    }

    /** Leak reports so far. */
    static long reports() {
        return REPORTS.get();
    }

    /**
     * Brings out the reports still pending: the detector notices a leak only when it tracks a
     * new object after the leaked one was collected, so collect garbage and track a few fresh
     * buffers of each kind. Used at the end, when the server has stopped allocating.
     */
    static void surfacePending() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            trackOne(PooledByteBufAllocator.DEFAULT);
            trackOne(UnpooledByteBufAllocator.DEFAULT);
        }
    }

    private static void trackOne(ByteBufAllocator allocator) {
        allocator.directBuffer(1).release();
        allocator.heapBuffer(1).release();
    }

    private static void count(String report) {
        long n = REPORTS.incrementAndGet();
        if (n <= PRINTED_IN_FULL) {
            System.err.println("soak-leak #" + n + ": " + report);
        }
    }

    private static final class CountingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation") // the non-deprecated overload has no maxActive; Netty calls this one
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                   long maxActive) {
            return new ResourceLeakDetector<T>(resource, samplingInterval) {
                @Override
                protected void reportTracedLeak(String resourceType, String records) {
                    count(resourceType + " leaked" + records);
                }

                @Override
                protected void reportUntracedLeak(String resourceType) {
                    count(resourceType + " leaked (no records)");
                }

                // Netty skips reporting when its logger's ERROR level is off; counting must not
                // depend on logging configuration.
                @Override
                protected boolean needReport() {
                    return true;
                }
            };
        }
    }
}
