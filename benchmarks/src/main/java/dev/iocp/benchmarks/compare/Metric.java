package dev.iocp.benchmarks.compare;

import java.util.Locale;

/**
 * One row of the comparison: a figure measured for every transport in every round, which way is
 * better, what transport-iocp's figure is divided by, and the targets for it.
 *
 * <p>A few rows are checks rather than comparisons (no reference, no ratio): the load generator's
 * own CPU use, which near 100 % says the throughput beside it may be the client's limit.
 *
 * <p>{@code {idle}} in a workload label stands for the number of idle connections of the run.
 */
enum Metric {
    KEEPALIVE_RPS(Workload.KEEPALIVE, "HTTP keep-alive, wrk -t1 -c64", "requests/s", "req/s", true,
            Reference.BEST_NETTY, null, Target.ratioAtLeast(1.0)),
    KEEPALIVE_CPU(Workload.KEEPALIVE, "HTTP keep-alive, wrk -t1 -c64", "server CPU per request", "µs", false,
            Reference.BEST_NETTY, Target.ratioAtMost(0.80), Target.ratioAtMost(1.0)),
    KEEPALIVE_LOAD_CPU(Workload.KEEPALIVE, "HTTP keep-alive, wrk -t1 -c64", Quantities.LOAD_CPU, "% of a CPU", false,
            null, null, null),
    PIPELINED_RPS(Workload.PIPELINED, "HTTP pipelined depth 16, wrk -t1 -c64", "requests/s", "req/s", true,
            Reference.BEST_NETTY, Target.ratioAtLeast(1.10), Target.ratioAtLeast(1.0)),
    PIPELINED_CPU(Workload.PIPELINED, "HTTP pipelined depth 16, wrk -t1 -c64", "server CPU per request", "µs", false,
            Reference.BEST_NETTY, null, Target.ratioAtMost(1.0)),
    PIPELINED_LOAD_CPU(Workload.PIPELINED, "HTTP pipelined depth 16, wrk -t1 -c64", Quantities.LOAD_CPU, "% of a CPU", false,
            null, null, null),
    ECHO_RTPS(Workload.ECHO, "echo, 256 connections, 64 B", "round trips/s", "rt/s", true,
            Reference.BEST_NETTY, Target.ratioAtLeast(1.10), Target.ratioAtLeast(1.0)),
    ECHO_CPU(Workload.ECHO, "echo, 256 connections, 64 B", "server CPU per round trip", "µs", false,
            Reference.BEST_NETTY, null, Target.ratioAtMost(1.0)),
    ECHO_LOAD_CPU(Workload.ECHO, "echo, 256 connections, 64 B", Quantities.LOAD_CPU, "% of a CPU", false,
            null, null, null),
    BULK_MBPS(Workload.BULK, "bulk, 1 connection, 64 KiB writes echoed", "throughput (echoed back)", "MB/s", true,
            Reference.BEST_NETTY, Target.ratioAtLeast(1.0), Target.ratioAtLeast(1.0)),
    BULK_CPU(Workload.BULK, "bulk, 1 connection, 64 KiB writes echoed", "server CPU per MB", "µs", false,
            Reference.BEST_NETTY, Target.ratioAtMost(0.90), Target.ratioAtMost(1.0)),
    BULK_LOAD_CPU(Workload.BULK, "bulk, 1 connection, 64 KiB writes echoed", Quantities.LOAD_CPU, "% of a CPU", false,
            null, null, null),
    PINGPONG_P50(Workload.PINGPONG, "echo ping-pong, 1 connection, 64 B", "round-trip latency p50", "µs", false,
            Reference.BEST_NETTY, null, null),
    PINGPONG_P99(Workload.PINGPONG, "echo ping-pong, 1 connection, 64 B", "round-trip latency p99", "µs", false,
            Reference.BEST_NETTY, Target.ratioAtMost(0.90), Target.ratioAtMost(1.0)),
    ECHO_ALLOC(Workload.ECHO, "heap allocated by the server's threads", "per echoed 64 B message (echo, 256)", "B", false,
            Reference.EPOLL, Target.ratioAtMost(1.0), Target.ratioAtMost(1.0)),
    HTTP_ALLOC(Workload.KEEPALIVE, "heap allocated by the server's threads", "per HTTP request (keep-alive)", "B", false,
            Reference.BEST_NETTY, Target.ratioAtMost(1.0), Target.ratioAtMost(1.0)),
    IDLE_HEAP(Workload.IDLE, "{idle} idle connections", "live heap per connection (after full GC)", "B", false,
            Reference.EPOLL, Target.ratioAtMost(0.80), null),
    IDLE_POOLED_PINNED(Workload.IDLE, "{idle} idle connections", "pooled direct memory pinned by buffers per connection", "B", false,
            Reference.BEST_NETTY, Target.valueAtMost(0), null),
    IDLE_POOLED_USED(Workload.IDLE, "{idle} idle connections", "pooled direct arenas (usedDirectMemory) per connection", "B", false,
            Reference.BEST_NETTY, null, null),
    IDLE_DIRECT(Workload.IDLE, "{idle} idle connections", "direct memory reserved per connection", "B", false,
            Reference.BEST_NETTY, null, null),
    IDLE_RSS(Workload.IDLE, "{idle} idle connections", "RSS per connection", "B", false,
            Reference.BEST_NETTY, null, null),
    CLOSED_HEAP(Workload.IDLE, "after all of them are closed", "live heap left per closed connection (after full GC)", "B", false,
            Reference.EPOLL, Target.ratioAtMost(1.0), null);

    private final Workload workload;
    private final String workloadLabel;
    private final String quantity;
    private final String unit;
    private final boolean higherIsBetter;
    private final Reference iocpReference;
    private final Target iocpTarget;
    private final Target iocpNioTarget;

    Metric(Workload workload, String workloadLabel, String quantity, String unit, boolean higherIsBetter,
           Reference iocpReference, Target iocpTarget, Target iocpNioTarget) {
        this.workload = workload;
        this.workloadLabel = workloadLabel;
        this.quantity = quantity;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
        this.iocpReference = iocpReference;
        this.iocpTarget = iocpTarget;
        this.iocpNioTarget = iocpNioTarget;
    }

    Workload workload() {
        return workload;
    }

    /** The row's workload, with {@code {idle}} replaced by {@code idleConnections}. */
    String workloadLabel(int idleConnections) {
        return workloadLabel.replace("{idle}", Format.grouped(idleConnections));
    }

    String quantity() {
        return quantity;
    }

    String unit() {
        return unit;
    }

    boolean higherIsBetter() {
        return higherIsBetter;
    }

    /**
     * {@code value} as ratios compare it: a cost below zero (a memory or allocation delta that
     * noise took under nothing) counts as 0, and so does a byte figure under half a byte per
     * operation or connection, which is nothing allocated or held, only noise around it; otherwise
     * 70 000× "more" than 0.001 B would hide "allocates, where the reference does not". NaN stays.
     */
    double comparable(double value) {
        if (Double.isNaN(value)) {
            return value;
        }
        double atLeastZero = Math.max(0, value);
        return unit.equals("B") && atLeastZero < BYTE_NOISE ? 0 : atLeastZero;
    }

    /** Whether transport-iocp's figure is compared with a reference; not for the checks. */
    boolean compared() {
        return iocpReference != null;
    }

    /**
     * What {@code subject}'s figure is divided by: for iocp as the issue says, for iocp-nio always
     * Netty NIO; {@code null} for a row that is not {@link #compared}.
     */
    Reference reference(ComparedTransport subject) {
        if (!compared()) {
            return null;
        }
        return switch (subject) {
            case IOCP -> iocpReference;
            case IOCP_NIO -> Reference.NIO;
            default -> throw new IllegalArgumentException(subject + " is a reference, not a subject");
        };
    }

    /** The target for {@code subject}; {@code null} where it sets none. */
    Target target(ComparedTransport subject) {
        return switch (subject) {
            case IOCP -> iocpTarget;
            case IOCP_NIO -> iocpNioTarget;
            default -> null;
        };
    }

    /** The column name in the raw files, e.g. {@code echo_rtps}. */
    String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Row texts used more than once (an enum constant cannot refer to a static field of its own class). */
    private static final class Quantities {
        static final String LOAD_CPU = "load generator CPU (a check, not compared)";
    }

    /** Half a byte per operation or connection: below it, a byte figure is noise around nothing. */
    private static final double BYTE_NOISE = 0.5;
}
