package dev.iocp.port.uring;

import dev.iocp.port.CompletionPort;
import dev.iocp.port.PortConfig;
import dev.iocp.port.PortSocket;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An idle port blocked in {@code dequeue} does not count as iowait where the kernel can leave it
 * out ({@code IORING_ENTER_NO_IOWAIT}, 6.15), and does where it is asked to
 * ({@code dev.iocp.uring.countWaitsAsIowait=true}): the second half shows the measurement sees
 * what the first half says is absent.
 *
 * <p>The measure is {@code procs_blocked} in {@code /proc/stat}, the machine's count of threads in
 * iowait now (what {@code top}'s "wa" is made of). Other processes can only add to it, so each
 * case takes the smallest of many samples: {@value #LOOPS} idle loops that count add at least
 * that many to every sample, and loops that do not count leave the smallest sample below it.
 */
class IoUringIdleWaitIowaitTest {
    private static final int LOOPS = 4;
    private static final int SAMPLES = 40;

    @Test
    void idleWaitsAreNotIowait() throws Exception {
        Assumptions.assumeTrue(IoUringBackend.INSTANCE.isAvailable(), "io_uring is not available here");
        Assumptions.assumeTrue(KernelVersion.atLeast(6, 15), "IORING_ENTER_NO_IOWAIT needs kernel 6.15");
        int fewest = fewestBlockedWhileIdle(false);
        assertTrue(fewest < LOOPS, LOOPS + " idle loops, yet at least " + fewest
                + " threads were in iowait at every sample");
    }

    @Test
    void idleWaitsCountAsIowaitWhenAsked() throws Exception {
        Assumptions.assumeTrue(IoUringBackend.INSTANCE.isAvailable(), "io_uring is not available here");
        int fewest = fewestBlockedWhileIdle(true);
        assertTrue(fewest >= LOOPS, LOOPS + " idle loops counted as iowait, yet one sample saw only " + fewest
                + " threads in iowait: the measurement cannot tell");
    }

    /**
     * Opens {@value #LOOPS} ports, each with an accept in flight (the kernel counts a wait as
     * iowait only while the thread has requests in flight) and a thread blocked in its dequeue;
     * returns the smallest {@code procs_blocked} sampled meanwhile.
     */
    private static int fewestBlockedWhileIdle(boolean countAsIowait) throws Exception {
        List<CompletionPort> ports = new ArrayList<>();
        List<Thread> loops = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(LOOPS);
        String previous = System.getProperty(RingDriver.COUNT_WAITS_AS_IOWAIT);
        System.setProperty(RingDriver.COUNT_WAITS_AS_IOWAIT, Boolean.toString(countAsIowait));
        try {
            for (int i = 0; i < LOOPS; i++) {
                CompletionPort port = IoUringBackend.INSTANCE.openPort(PortConfig.DEFAULT);
                ports.add(port);
                Thread loop = new Thread(() -> {
                    try (port) { // closed by its owner, with the listener registered on it
                        PortSocket listener = IoUringBackend.INSTANCE.openSocket(StandardProtocolFamily.INET);
                        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                        listener.listen(8);
                        port.register(listener, 1);
                        port.submitAccept(listener);
                        port.dequeue((k, o, r, f, id) -> { }, 16, 0);
                        started.countDown();
                        // Blocks until the wake-up at the end: nothing else completes.
                        port.dequeue((k, o, r, f, id) -> { }, 16, TimeUnit.MINUTES.toNanos(1));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, "idle-loop-" + i);
                loop.start();
                loops.add(loop);
            }
            assertTrue(started.await(10, TimeUnit.SECONDS), "the loops started");
            Thread.sleep(200); // into the kernel's wait
            int fewest = Integer.MAX_VALUE;
            for (int i = 0; i < SAMPLES; i++) {
                fewest = Math.min(fewest, procsBlocked());
                Thread.sleep(50);
            }
            return fewest;
        } finally {
            restore(previous);
            for (CompletionPort port : ports) {
                port.wakeup();
            }
            for (Thread loop : loops) {
                loop.join(TimeUnit.SECONDS.toMillis(10));
            }
        }
    }

    private static void restore(String previous) {
        if (previous == null) {
            System.clearProperty(RingDriver.COUNT_WAITS_AS_IOWAIT);
        } else {
            System.setProperty(RingDriver.COUNT_WAITS_AS_IOWAIT, previous);
        }
    }

    private static int procsBlocked() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
            if (line.startsWith("procs_blocked ")) {
                return Integer.parseInt(line.substring("procs_blocked ".length()).trim());
            }
        }
        throw new IllegalStateException("/proc/stat has no procs_blocked line");
    }
}
