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
 * post → dequeue: the path every cross-thread hand-off to an event loop takes.
 * <ul>
 *   <li>{@code sameThread}: the owner posts and dequeues; no wait, no wake-up system call.
 *       This is the cost of the post queue and the dequeue path itself.</li>
 *   <li>{@code pingPong}: another thread owning a second port echoes each packet back; both
 *       owners block in {@code io_uring_enter} and are woken through their eventfd, so one op
 *       is two posts, two wake-ups and two blocking dequeues.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PostDequeueBenchmark {
    private static final int STOP = -1;

    /**
     * How a blocked owner is woken: {@code auto} (SEND_MSG_RING where the kernel has it, 6.13) or
     * {@code eventfd} (what older kernels get).
     */
    @Param({"auto", "eventfd"})
    public String wakeup;

    private CompletionPort port;
    private CompletionPort echoPort;
    private Thread echo;
    private int delivered;
    private final CompletionHandler count = (key, operation, result, flags, id) -> delivered++;

    @Setup(Level.Trial)
    public void open() throws IOException, InterruptedException {
        System.setProperty("dev.iocp.uring.wakeup", wakeup);
        port = Backends.selected().openPort(PortConfig.DEFAULT);
        port.submitNop(0); // this thread becomes the owner
        port.dequeue(count, 1, -1);
        echoPort = Backends.selected().openPort(PortConfig.DEFAULT);
        echo = Thread.ofPlatform().name("echo").start(this::echoLoop);
    }

    private void echoLoop() {
        boolean[] stop = new boolean[1];
        CompletionHandler bounce = (key, operation, result, flags, id) -> {
            if (result == STOP) {
                stop[0] = true;
            } else {
                port.post(key, result);
            }
        };
        try (CompletionPort own = echoPort) {
            while (!stop[0]) {
                own.dequeue(bounce, 64, -1);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException, InterruptedException {
        echoPort.post(0, STOP);
        echo.join();
        port.close();
    }

    @Benchmark
    public int sameThread() throws IOException {
        port.post(1, 7);
        return port.dequeue(count, 1, 0);
    }

    @Benchmark
    public int pingPong() throws IOException {
        echoPort.post(1, 7);
        int got;
        do {
            got = port.dequeue(count, 1, -1);
        } while (got == 0);
        return got;
    }
}
