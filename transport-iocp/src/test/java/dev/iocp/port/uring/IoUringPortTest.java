package dev.iocp.port.uring;

import dev.iocp.port.Backend;
import dev.iocp.port.CompletionPortContract;
import dev.iocp.port.PortConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.iocp.port.uring.sys.LinuxConstants.IORING_SETUP_DEFER_TASKRUN;
import static dev.iocp.port.uring.sys.LinuxConstants.IORING_SETUP_SINGLE_ISSUER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The contract on io_uring with the best setup this kernel accepts. */
class IoUringPortTest extends CompletionPortContract {

    @Override
    protected Backend backend() {
        return IoUringBackend.INSTANCE;
    }

    @Test
    void wakeupsWhileTheOwnerIsBusyCostNoSystemCall() throws IOException {
        IoUringPort uring = (IoUringPort) port;
        uring.submitNop(1);
        driver.awaitCount(1);
        for (int i = 0; i < 1000; i++) {
            uring.wakeup();
        }
        assertEquals(0, uring.dequeue((k, o, r, f, id) -> { }, 16, TimeUnit.HOURS.toNanos(1)));
        assertEquals(0, uring.wakeupSignals(), "the owner was not waiting, so nobody made a system call");
    }

    @Test
    void everyPortAThreadOpensAfterOthersClosedUsesARegisteredRingFd() throws Exception {
        // A thread has 16 registered ring slots; a closed port must give its slot back.
        CompletableFuture<List<Integer>> fellBack = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                List<Integer> withoutRegisteredFd = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    IoUringPort used = (IoUringPort) openPort(PortConfig.DEFAULT);
                    try {
                        used.submitNop(1);
                        assertEquals(1, used.dequeue((k, o, r, f, id) -> { }, 1, TimeUnit.SECONDS.toNanos(5)));
                        if (!used.usesRegisteredRingFd()) {
                            withoutRegisteredFd.add(i);
                        }
                    } finally {
                        used.close();
                    }
                }
                fellBack.complete(withoutRegisteredFd);
            } catch (Throwable t) {
                fellBack.completeExceptionally(t);
            }
        });
        assertEquals(List.of(), fellBack.get(60, TimeUnit.SECONDS), "ports (in opening order) that entered by plain fd");
    }

    @Test
    void supportsTheLinuxOnlySocketOptions() {
        java.util.Set<java.net.SocketOption<?>> supported = dev.iocp.port.uring.UringSocketOptions.SUPPORTED;
        org.junit.jupiter.api.Assertions.assertTrue(supported.contains(dev.iocp.port.PortSocketOptions.TCP_USER_TIMEOUT));
        org.junit.jupiter.api.Assertions.assertTrue(supported.contains(dev.iocp.port.PortSocketOptions.TCP_FASTOPEN));
    }

    /** IORING_CQE_F_SOCK_NONEMPTY on accepts came with 6.10 (io_uring/net, "wire up ... for accept"). */
    @Override
    protected boolean acceptsSayWhenMoreConnectionsWait() {
        return KernelVersion.atLeast(6, 10);
    }

    @Test
    void usesSingleIssuerAndDeferredTaskRunWhereTheKernelHasThem() {
        int flags = ((IoUringPort) port).setupFlags();
        if (KernelVersion.atLeast(6, 1)) {
            assertNotEquals(0, flags & IORING_SETUP_SINGLE_ISSUER);
            assertNotEquals(0, flags & IORING_SETUP_DEFER_TASKRUN);
        }
    }
}
