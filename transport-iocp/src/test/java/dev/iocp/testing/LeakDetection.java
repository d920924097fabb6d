package dev.iocp.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs every test with Netty's leak detector at PARANOID and fails the test when a leak is
 * reported. Registered for all tests through the JUnit extension service file, so no test can
 * forget it.
 *
 * <p>Netty reports a leak when it notices, while tracking a new resource, that a tracked one was
 * garbage collected without being released. After each test this collects garbage and tracks a
 * few fresh buffers so that pending reports surface, then fails if any came in.
 */
public final class LeakDetection implements AfterEachCallback {
    private static final List<String> LEAKS = new ArrayList<>();

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> leaks = collectLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " leak(s) reported by Netty's leak detector in "
                    + context.getDisplayName() + ":\n" + String.join("\n", leaks));
        }
    }

    /** Surfaces pending leak reports and returns (and forgets) what has been reported so far. */
    public static List<String> collectLeaks() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            System.runFinalization();
            touch(PooledByteBufAllocator.DEFAULT.directBuffer(1));
            touch(PooledByteBufAllocator.DEFAULT.heapBuffer(1));
            touch(UnpooledByteBufAllocator.DEFAULT.directBuffer(1));
            touch(UnpooledByteBufAllocator.DEFAULT.heapBuffer(1));
        }
        synchronized (LEAKS) {
            List<String> copy = new ArrayList<>(LEAKS);
            LEAKS.clear();
            return copy;
        }
    }

    private static void touch(ByteBuf buffer) {
        buffer.release();
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
            return new ResourceLeakDetector<T>(resource, samplingInterval) {
                @Override
                protected boolean needReport() {
                    return true;
                }

                @Override
                protected void reportTracedLeak(String resourceType, String records) {
                    record("LEAK: " + resourceType + records);
                }

                @Override
                protected void reportUntracedLeak(String resourceType) {
                    record("LEAK: " + resourceType + " (no records)");
                }
            };
        }
    }

    private static void record(String report) {
        synchronized (LEAKS) {
            LEAKS.add(report);
        }
    }
}
