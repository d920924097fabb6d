package dev.iocp.port.uring;

import dev.iocp.port.Backend;
import dev.iocp.port.PortConfig;
import dev.iocp.port.PortCounter;
import dev.iocp.port.PortMetrics;
import dev.iocp.port.PortMetricsContract;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metrics contract on io_uring, and the counters only a ring has. */
class IoUringPortMetricsTest extends PortMetricsContract {

    @Override
    protected Backend backend() {
        return IoUringBackend.INSTANCE;
    }

    @Test
    void submissionsThatFindTheRingFullAreCountedAsBacklogged() throws IOException {
        port.close();
        port = openPort(new PortConfig(4, 4096));
        for (int i = 0; i < 20; i++) {
            port.submitNop(i); // none reaches the kernel before the dequeue: 4 fit the ring
        }
        PortMetrics metrics = port.metrics();
        long backlogged = metrics.get(PortCounter.SUBMISSIONS_BACKLOGGED);
        // The port's own wake-up read may take one of the four entries (eventfd wake-ups).
        assertTrue(backlogged == 16 || backlogged == 17, "backlogged: " + backlogged);
        dequeueUntil(20);
        assertEquals(backlogged, metrics.get(PortCounter.SUBMISSIONS_BACKLOGGED), "nothing more waited");
        assertEquals(20, metrics.get(PortCounter.COMPLETIONS));
    }

    @Test
    void completionsHeldBackByAFullCompletionRingAreCounted() throws IOException {
        port.close();
        port = openPort(new PortConfig(64, 64));
        for (int i = 0; i < 1000; i++) {
            port.submitNop(i);
        }
        // The kernel posts the NOPs' completions as it takes them; 1000 do not fit 64 entries,
        // so it holds the rest back and says so in the ring's flags until they have been reaped.
        dequeueUntil(1000, 16);
        PortMetrics metrics = port.metrics();
        assertTrue(metrics.get(PortCounter.COMPLETION_QUEUE_OVERFLOWS) > 0, metrics::toString);
        assertEquals(0, metrics.get(PortCounter.COMPLETIONS_DROPPED), "NODROP kernels hold completions back, not lose them");
        assertEquals(1000, metrics.get(PortCounter.COMPLETIONS));
    }
}
