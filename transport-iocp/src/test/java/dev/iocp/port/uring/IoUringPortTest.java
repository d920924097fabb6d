package dev.iocp.port.uring;

import dev.iocp.port.Backend;
import dev.iocp.port.CompletionPortContract;
import dev.iocp.port.PortConfig;
import dev.iocp.port.PortException;
import dev.iocp.port.PortSocket;
import dev.iocp.port.uring.sys.IoUringLayouts;
import dev.iocp.port.uring.sys.LinuxConstants;
import dev.iocp.port.uring.sys.Syscalls;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.iocp.port.uring.sys.LinuxConstants.IORING_SETUP_DEFER_TASKRUN;
import static dev.iocp.port.uring.sys.LinuxConstants.IORING_SETUP_SINGLE_ISSUER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The contract on io_uring with the best setup this kernel accepts. */
class IoUringPortTest extends CompletionPortContract {

    @Override
    protected Backend backend() {
        return IoUringBackend.INSTANCE;
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
    void aPortWhoseRingFailsWhileItClosesStillReleasesItsDescriptors() throws Exception {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                long before = openDescriptors();
                IoUringPort broken = (IoUringPort) openPort(PortConfig.DEFAULT);
                PortSocket listener = backend().openSocket(StandardProtocolFamily.INET);
                listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                listener.listen(8);
                broken.register(listener, 1);
                broken.submitAccept(listener); // waits: nobody connects
                broken.dequeue((k, o, r, f, id) -> { }, 16, 0);
                if (!broken.usesRegisteredRingFd()) {
                    broken.close();
                    outcome.complete("skipped: this thread got no registered ring fd");
                    return;
                }
                // Take the registered ring fd away behind the port's back: from now on every
                // io_uring_enter fails, so the drain in close() cannot finish.
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment update = arena.allocate(IoUringLayouts.RSRC_UPDATE);
                    update.set(ValueLayout.JAVA_INT, IoUringLayouts.RSRC_UPDATE_OFFSET, broken.ring().registeredIndex());
                    assertEquals(1, Syscalls.ioUringRegister(broken.ring().fd, LinuxConstants.IORING_UNREGISTER_RING_FDS,
                            update.address(), 1));
                }
                PortException failure = assertThrows(PortException.class, broken::close);
                assertEquals("EBADF", failure.errnoName(), failure.getMessage());
                assertFalse(listener.isOpen(), "the port's sockets are closed all the same");
                assertEquals(before, openDescriptors(), "the sockets', the waker's and the ring's descriptors are released");
                broken.close(); // already closed: nothing more to do
                outcome.complete("released");
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        });
        String result = outcome.get(60, TimeUnit.SECONDS);
        Assumptions.assumeTrue(result.equals("released"), result);
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
