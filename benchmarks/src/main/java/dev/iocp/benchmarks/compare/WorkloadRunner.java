package dev.iocp.benchmarks.compare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one workload against a running server: a warm-up (so the JIT has compiled the paths being
 * measured), a server snapshot, the measured interval, another snapshot; then turns the load's
 * count and the two snapshots into the workload's figures. The workload shapes are the issue's
 * and fixed; only the durations and the number of idle connections are options.
 */
final class WorkloadRunner {
    private static final int HTTP_CONNECTIONS = 64;
    private static final int PIPELINE_DEPTH = 16;
    private static final int ECHO_CONNECTIONS = 256;
    private static final int MESSAGE_BYTES = 64;
    private static final int BULK_WRITE_BYTES = 64 * 1024;
    /** The idle workload's warm-up: a few echo connections, so the server has loaded and run its accept and echo paths. */
    private static final int IDLE_WARMUP_CONNECTIONS = 16;
    private static final long CONNECTIONS_TIMEOUT_MILLIS = 60_000;
    /** Load-side CPU use from which a throughput figure is flagged as possibly the load's limit. */
    private static final double SATURATED_LOAD_PERCENT = 90;

    private final long ticksPerSecond;
    private final int durationSeconds;
    private final int warmupSeconds;
    private final int idleConnections;
    private final Wrk wrk;
    private final Path pipelineScript;

    WorkloadRunner(long ticksPerSecond, int durationSeconds, int warmupSeconds, int idleConnections, Wrk wrk,
                   Path pipelineScript) {
        this.ticksPerSecond = ticksPerSecond;
        this.durationSeconds = durationSeconds;
        this.warmupSeconds = warmupSeconds;
        this.idleConnections = idleConnections;
        this.wrk = wrk;
        this.pipelineScript = pipelineScript;
    }

    /** The figures of {@code workload}; what else is worth reporting goes to {@code notes}. */
    Map<Metric, Double> run(Workload workload, ServerProcess server, RunNotes notes)
            throws IOException, InterruptedException {
        return switch (workload) {
            case KEEPALIVE -> http(server, null, Metric.KEEPALIVE_RPS, Metric.KEEPALIVE_CPU, Metric.KEEPALIVE_LOAD_CPU,
                    Metric.HTTP_ALLOC, notes);
            case PIPELINED -> http(server, pipelineScript, Metric.PIPELINED_RPS, Metric.PIPELINED_CPU,
                    Metric.PIPELINED_LOAD_CPU, null, notes);
            case ECHO -> echo(server, notes);
            case BULK -> bulk(server, notes);
            case PINGPONG -> pingPong(server);
            case IDLE -> idle(server);
        };
    }

    private Map<Metric, Double> http(ServerProcess server, Path script, Metric rate, Metric cpu, Metric loadCpu,
                                     Metric allocation, RunNotes notes) throws IOException, InterruptedException {
        List<String> scriptArgs = script == null ? List.of() : List.of(Integer.toString(PIPELINE_DEPTH));
        wrk.run(server.address(), HTTP_CONNECTIONS, warmupSeconds, script, scriptArgs);
        ServerSnapshot start = server.snapshot();
        WrkResult result = wrk.run(server.address(), HTTP_CONNECTIONS, durationSeconds, script, scriptArgs);
        ServerSnapshot end = server.snapshot();
        if (result.requests() == 0) {
            throw new IOException("wrk completed no request");
        }
        if (result.socketErrors() > 0 || result.non2xx() > 0) {
            notes.problem("wrk saw " + result.socketErrors() + " socket errors and " + result.non2xx() + " non-2xx responses");
        }
        checkServerErrors(start, end, notes);
        Map<Metric, Double> figures = new EnumMap<>(Metric.class);
        figures.put(rate, result.requestsPerSecond());
        figures.put(cpu, end.cpuMicrosSince(start, ticksPerSecond) / result.requests());
        figures.put(loadCpu, loadCpuPercent(start, end, notes));
        if (allocation != null) {
            figures.put(allocation, (double) end.allocatedSince(start) / result.requests());
        }
        return figures;
    }

    private Map<Metric, Double> echo(ServerProcess server, RunNotes notes) throws IOException {
        try (EchoLoad load = EchoLoad.open(server.address(), ECHO_CONNECTIONS, MESSAGE_BYTES)) {
            load.runFor(seconds(warmupSeconds));
            ServerSnapshot start = server.snapshot();
            long roundTrips = load.runFor(seconds(durationSeconds));
            ServerSnapshot end = server.snapshot();
            if (roundTrips == 0) {
                throw new IOException("no echo round trip completed");
            }
            checkServerErrors(start, end, notes);
            Map<Metric, Double> figures = new EnumMap<>(Metric.class);
            figures.put(Metric.ECHO_RTPS, roundTrips / elapsedSeconds(start, end));
            figures.put(Metric.ECHO_CPU, end.cpuMicrosSince(start, ticksPerSecond) / roundTrips);
            figures.put(Metric.ECHO_LOAD_CPU, loadCpuPercent(start, end, notes));
            figures.put(Metric.ECHO_ALLOC, (double) end.allocatedSince(start) / roundTrips);
            return figures;
        }
    }

    private Map<Metric, Double> bulk(ServerProcess server, RunNotes notes) throws IOException {
        try (BulkLoad load = BulkLoad.open(server.address(), BULK_WRITE_BYTES)) {
            load.runFor(seconds(warmupSeconds));
            ServerSnapshot start = server.snapshot();
            long bytes = load.runFor(seconds(durationSeconds));
            ServerSnapshot end = server.snapshot();
            if (bytes == 0) {
                throw new IOException("no byte echoed back");
            }
            checkServerErrors(start, end, notes);
            double megabytes = bytes / 1e6;
            Map<Metric, Double> figures = new EnumMap<>(Metric.class);
            figures.put(Metric.BULK_MBPS, megabytes / elapsedSeconds(start, end));
            figures.put(Metric.BULK_CPU, end.cpuMicrosSince(start, ticksPerSecond) / megabytes);
            figures.put(Metric.BULK_LOAD_CPU, loadCpuPercent(start, end, notes));
            return figures;
        }
    }

    private Map<Metric, Double> pingPong(ServerProcess server) throws IOException {
        try (PingPongLoad load = PingPongLoad.open(server.address(), MESSAGE_BYTES)) {
            load.runFor(seconds(warmupSeconds), null);
            LatencySamples samples = new LatencySamples();
            load.runFor(seconds(durationSeconds), samples);
            if (samples.count() == 0) {
                throw new IOException("no ping-pong round trip completed");
            }
            Map<Metric, Double> figures = new EnumMap<>(Metric.class);
            figures.put(Metric.PINGPONG_P50, samples.percentileMicros(50));
            figures.put(Metric.PINGPONG_P99, samples.percentileMicros(99));
            return figures;
        }
    }

    /**
     * Memory per connection: full-GC counters before the connections, with all of them open and
     * idle, and after all of them closed, each difference divided by their number.
     */
    private Map<Metric, Double> idle(ServerProcess server) throws IOException {
        try (EchoLoad warmup = EchoLoad.open(server.address(), IDLE_WARMUP_CONNECTIONS, MESSAGE_BYTES)) {
            warmup.runFor(seconds(Math.min(warmupSeconds, 1)));
        }
        server.awaitConnections(0, CONNECTIONS_TIMEOUT_MILLIS);
        ServerCounters before = server.afterFullGc();
        ServerCounters open;
        try (IdleConnections _ = IdleConnections.open(server.address(), idleConnections, MESSAGE_BYTES)) {
            server.awaitConnections(idleConnections, CONNECTIONS_TIMEOUT_MILLIS);
            open = server.afterFullGc();
        }
        server.awaitConnections(0, CONNECTIONS_TIMEOUT_MILLIS);
        ServerCounters closed = server.afterFullGc();
        double n = idleConnections;
        Map<Metric, Double> figures = new EnumMap<>(Metric.class);
        figures.put(Metric.IDLE_HEAP, (open.heapUsedBytes() - before.heapUsedBytes()) / n);
        figures.put(Metric.IDLE_POOLED_PINNED, (open.pooledPinnedDirect() - before.pooledPinnedDirect()) / n);
        figures.put(Metric.IDLE_POOLED_USED, (open.pooledUsedDirect() - before.pooledUsedDirect()) / n);
        figures.put(Metric.IDLE_DIRECT, (open.directReserved() - before.directReserved()) / n);
        figures.put(Metric.IDLE_RSS, (open.rssKib() - before.rssKib()) * 1024 / n);
        figures.put(Metric.CLOSED_HEAP, (closed.heapUsedBytes() - before.heapUsedBytes()) / n);
        return figures;
    }

    private double loadCpuPercent(ServerSnapshot start, ServerSnapshot end, RunNotes notes) {
        double percent = end.loadCpuPercentSince(start, ticksPerSecond);
        if (percent >= SATURATED_LOAD_PERCENT) {
            notes.warning(String.format(Locale.ROOT, "the load generator used %.0f %% of its CPU:"
                    + " the throughput may be the load's limit rather than the server's", percent));
        }
        return percent;
    }

    private static void checkServerErrors(ServerSnapshot start, ServerSnapshot end, RunNotes notes) {
        long errors = end.errorsSince(start);
        if (errors > 0) {
            notes.problem("the server reported " + errors + " unexpected pipeline failures (see its log)");
        }
    }

    private static double elapsedSeconds(ServerSnapshot start, ServerSnapshot end) {
        return (end.nanoTime() - start.nanoTime()) / 1e9;
    }

    private static long seconds(int seconds) {
        return TimeUnit.SECONDS.toNanos(seconds);
    }
}
