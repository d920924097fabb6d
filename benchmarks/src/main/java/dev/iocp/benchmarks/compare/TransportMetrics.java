package dev.iocp.benchmarks.compare;

import io.netty.channel.EventLoopGroup;

import java.util.List;

/**
 * HOOK: the transport's own metrics, printed by the control command {@code transport-metrics} as
 * {@code key=value} lines and stored by the orchestrator beside each run
 * ({@code transport-metrics.txt} in the results).
 *
 * <p>Empty for now. transport-iocp is getting per-port metrics ({@code dev.iocp.port.PortMetrics},
 * readable per event loop); once they exist, this is the one place to wire them: for
 * {@link ComparedTransport#IOCP} and {@link ComparedTransport#IOCP_NIO}, visit each event loop of
 * {@code group}, read its port's metrics from outside the loop (they are written by the loop
 * thread and read with opaque/acquire loads, so reading them here does not touch the measured
 * event loop), and return one line per counter, e.g. {@code loop=0 enters=12345}. Netty's
 * transports offer nothing comparable and stay empty.
 */
final class TransportMetrics {
    private TransportMetrics() {
    }

    /** The metrics {@code transport} offers for {@code group}, one {@code key=value} line each; none yet. */
    static List<String> lines(ComparedTransport transport, EventLoopGroup group) {
        return List.of();
    }
}
