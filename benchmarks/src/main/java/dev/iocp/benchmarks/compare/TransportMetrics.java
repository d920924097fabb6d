package dev.iocp.benchmarks.compare;

import dev.iocp.channel.Iocp;
import dev.iocp.port.PortCounter;
import dev.iocp.port.PortMetricsSnapshot;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayList;
import java.util.List;

/**
 * The transport's own metrics, printed by the control command {@code transport-metrics} as
 * {@code key=value} lines and stored by the orchestrator beside each run
 * ({@code transport-metrics.txt} in the results): for transport-iocp, each event loop's port
 * counters ({@link Iocp#metrics}), read from outside the loop (the loop writes them with opaque
 * stores, so reading them does not touch the measured event loop). Netty's transports offer
 * nothing comparable and print nothing.
 */
final class TransportMetrics {
    private TransportMetrics() {
    }

    /** The metrics {@code transport} offers for {@code group}, one {@code loop=N name=value} line each. */
    static List<String> lines(ComparedTransport transport, EventLoopGroup group) {
        if (transport != ComparedTransport.IOCP && transport != ComparedTransport.IOCP_NIO) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        int loop = 0;
        for (EventExecutor executor : group) {
            PortMetricsSnapshot snapshot = Iocp.metrics(executor).snapshot();
            for (PortCounter counter : PortCounter.values()) {
                lines.add("loop=" + loop + " " + counter.metricName() + "=" + snapshot.get(counter));
            }
            List<Long> batches = snapshot.batchSizes();
            for (int bucket = 0; bucket < batches.size(); bucket++) {
                lines.add("loop=" + loop + " dequeue_batch_bucket_" + bucket + "=" + batches.get(bucket));
            }
            loop++;
        }
        return lines;
    }
}
