package dev.iocp.benchmarks;

import dev.iocp.port.Backends;
import dev.iocp.port.CompletionHandler;
import dev.iocp.port.CompletionPort;
import dev.iocp.port.PortConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * submit → complete of a batch of no-op operations: {@code batch} NOPs staged, then dequeued
 * until all have completed (one {@code io_uring_enter} submits and reaps them when the batch fits
 * the ring). The score is per batch; divide by {@code batch} for the cost of one operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class NopBatchBenchmark {

    @Param({"1", "32"})
    public int batch;

    private CompletionPort port;
    private int delivered;
    private final CompletionHandler count = (key, operation, result, flags, id) -> delivered++;

    @Setup(Level.Trial)
    public void open() throws IOException {
        port = Backends.selected().openPort(PortConfig.DEFAULT);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        port.close();
    }

    @Benchmark
    public int submitAndComplete() throws IOException {
        for (int i = 0; i < batch; i++) {
            port.submitNop(i);
        }
        delivered = 0;
        while (delivered < batch) {
            port.dequeue(count, batch, -1);
        }
        return delivered;
    }
}
