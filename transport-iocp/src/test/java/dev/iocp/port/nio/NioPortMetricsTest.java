package dev.iocp.port.nio;

import dev.iocp.port.Backend;
import dev.iocp.port.PortConfig;
import dev.iocp.port.PortCounter;
import dev.iocp.port.PortMetrics;
import dev.iocp.port.PortMetricsContract;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The metrics contract on the portable java.nio backend. */
class NioPortMetricsTest extends PortMetricsContract {

    @Override
    protected Backend backend() {
        return NioBackend.INSTANCE;
    }

    @Test
    void queuesThatGrowNeverBacklogNorOverflow() throws IOException {
        port.close();
        port = openPort(new PortConfig(1, 1)); // sizes do not apply to nio
        for (int i = 0; i < 1000; i++) {
            port.submitNop(i);
        }
        dequeueUntil(1000);
        PortMetrics metrics = port.metrics();
        assertEquals(0, metrics.get(PortCounter.SUBMISSIONS_BACKLOGGED));
        assertEquals(0, metrics.get(PortCounter.COMPLETION_QUEUE_OVERFLOWS));
        assertEquals(0, metrics.get(PortCounter.COMPLETIONS_DROPPED));
        assertEquals(1000, metrics.get(PortCounter.COMPLETIONS));
    }
}
