package dev.iocp.port.uring;

import dev.iocp.port.Backend;
import dev.iocp.port.Completion;
import dev.iocp.port.Errno;
import dev.iocp.port.CompletionFlags;
import dev.iocp.port.CompletionPortContract;
import dev.iocp.port.Operation;
import dev.iocp.port.PortConfig;
import dev.iocp.port.PortException;
import dev.iocp.port.PortSocket;
import dev.iocp.port.WindowSegments;
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
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.iocp.port.uring.sys.LinuxConstants.IORING_SETUP_DEFER_TASKRUN;
import static dev.iocp.port.uring.sys.LinuxConstants.IORING_SETUP_SINGLE_ISSUER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract on io_uring with the best setup this kernel accepts. */
class IoUringPortTest extends CompletionPortContract {

    @Override
    protected Backend backend() {
        return IoUringBackend.INSTANCE;
    }

    /**
     * A listener's accept is re-armed after each connection has armed its own receive, so it
     * would climb to the top of a burst of connections and hold the operation table at that size
     * once they have all closed; it keeps the slot it took first instead.
     */
    @Test
    void aListenersAcceptKeepsItsSlotSoTheOperationTableShrinksAfterABurstOfConnections() throws IOException {
        IoUringPort uring = (IoUringPort) port;
        PortSocket listener = backend().openSocket(StandardProtocolFamily.INET);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        listener.listen(1024);
        port.register(listener, 0);
        int burst = 600; // over two chunks of 256 slots
        List<java.nio.channels.SocketChannel> clients = new ArrayList<>();
        List<PortSocket> accepted = new ArrayList<>();
        ByteBuffer into = ByteBuffer.allocateDirect(64);
        try {
            for (int i = 0; i < burst; i++) {
                clients.add(java.nio.channels.SocketChannel.open(listener.localAddress()));
            }
            long[] accept = {port.submitAccept(listener)};
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (accepted.size() < burst && System.nanoTime() < deadline) {
                port.dequeue((key, operation, result, flags, id) -> {
                    if (id != accept[0]) {
                        return;
                    }
                    assertTrue(result >= 0, () -> Errno.describe(result));
                    try { // as a server channel does: the connection arms its read, then the accept is re-armed
                        PortSocket connection = port.adoptAccepted(listener, result);
                        port.register(connection, 1 + accepted.size());
                        accepted.add(connection);
                        port.submitReceive(connection, into.duplicate());
                        if (accepted.size() < burst) {
                            accept[0] = port.submitAccept(listener);
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, 16, TimeUnit.MILLISECONDS.toNanos(200));
            }
            assertEquals(burst, accepted.size(), "accepted");
            assertTrue(uring.operationSlots() > burst, "slots: " + uring.operationSlots());
            long armed = port.submitAccept(listener);
            List<Long> closes = new ArrayList<>();
            for (PortSocket connection : accepted) {
                closes.add(port.submitClose(connection));
            }
            driver.awaitUntil(all -> all.stream().filter(c -> closes.contains(c.id())).count() == burst, "the closes");
            assertEquals(1, port.pendingOperations(), "only the accept is left in flight");
            assertEquals(256, uring.operationSlots(), "the table's size with one accept in flight");
            clients.add(java.nio.channels.SocketChannel.open(listener.localAddress()));
            Completion next = driver.await(c -> c.id() == armed, "the accept armed after the burst");
            assertTrue(next.result() >= 0, next::toString);
            // not adopted: the port closes it
        } finally {
            for (java.nio.channels.SocketChannel client : clients) {
                client.close();
            }
        }
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

    // ---- zero-copy sends ---------------------------------------------------------------------

    /**
     * A connected pair whose peer offers a small window (its receive buffer is small from the
     * handshake on), so that a large send stays mostly unsent until the peer reads.
     */
    private Pair pairWithASmallWindow() throws IOException {
        PortSocket listener = backend().openSocket(StandardProtocolFamily.INET);
        listener.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        listener.listen(8);
        port.register(listener, 0);
        PortSocket client = open(StandardProtocolFamily.INET, 1);
        client.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
        PortSocket server = acceptWhileConnecting(listener, client);
        listener.close();
        return new Pair(client, server);
    }

    @Test
    void aZeroCopySendsLastCompletionComesOnlyOnceTheKernelHasLetGoOfItsMemory() throws IOException {
        IoUringPort uring = (IoUringPort) port;
        Assumptions.assumeTrue(uring.sends().zeroCopySupported(), "this kernel has no SEND_ZC");
        Pair pair = pairWithASmallWindow();
        ByteBuffer data = ByteBuffer.allocateDirect(4 << 20);
        for (int i = 0; i < data.capacity(); i++) {
            data.put(i, (byte) (i % 251));
        }
        long send = port.submitZeroCopySend(pair.client(), new WindowSegments(data).add(0, data.capacity()));
        // The kernel takes what fits in the socket and sends from these pages: the result comes,
        // flagged MORE. What the peer's window holds back stays unsent, so the kernel keeps the
        // pages: no notification, no last completion, and the send still holds its slot.
        Completion result = driver.await(c -> c.id() == send, "the send's result");
        assertEquals(CompletionFlags.MORE, result.flags(), result::toString);
        assertTrue(result.result() > 0 && result.result() < data.capacity(), result::toString);
        for (int i = 0; i < 5; i++) {
            port.dequeue((k, o, r, f, id) -> driver.seen().add(new Completion(k, o, r, f, id)), 64,
                    TimeUnit.MILLISECONDS.toNanos(50));
        }
        assertEquals(List.of(result), driver.seen().stream().filter(c -> c.id() == send).toList(),
                "no last completion while the kernel still sends from the memory");
        assertEquals(1, uring.sends().zeroCopy().inFlight());
        assertEquals(1, port.pendingOperations(), "the send holds its slot");
        assertEquals(0, uring.sends().zeroCopy().notifications());
        // The peer reads: the rest goes out and is acknowledged, the notification comes, and
        // with it the last completion.
        ByteBuffer into = ByteBuffer.allocateDirect(256 * 1024);
        byte[] received = new byte[result.result()];
        int got = 0;
        while (got < result.result()) {
            long receive = port.submitReceive(pair.server(), into.clear().limit(Math.min(into.capacity(), result.result() - got)));
            int n = driver.await(c -> c.id() == receive, "receive").result();
            into.get(0, received, got, n);
            got += n;
        }
        Completion last = driver.await(c -> c.id() == send && c.flags() == 0, "the send's last completion");
        assertEquals(new Completion(1, Operation.SEND, 0, 0, send), last);
        assertEquals(1, uring.sends().zeroCopy().notifications());
        assertEquals(0, uring.sends().zeroCopy().inFlight());
        assertEquals(0, port.pendingOperations());
        for (int i = 0; i < got; i++) {
            assertEquals((byte) (i % 251), received[i], "byte " + i);
        }
    }

    @Test
    void closingThePortEndsAZeroCopySendThatThePeerHoldsBack() throws IOException {
        IoUringPort uring = (IoUringPort) port;
        Assumptions.assumeTrue(uring.sends().zeroCopySupported(), "this kernel has no SEND_ZC");
        Pair pair = pairWithASmallWindow();
        ByteBuffer data = ByteBuffer.allocateDirect(4 << 20);
        port.submitZeroCopySend(pair.client(), new WindowSegments(data).add(0, data.capacity()));
        port.dequeue((k, o, r, f, id) -> { }, 64, TimeUnit.MILLISECONDS.toNanos(50));
        assertEquals(1, uring.sends().zeroCopy().inFlight());
        // No cancellation ends a send whose result is in: only the socket's close frees the data
        // the peer never took, and so brings the notification the drain waits for.
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger portLogger = java.util.logging.Logger.getLogger("dev.iocp.port");
        java.util.logging.Handler recorder = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                warnings.add(record.getLevel() + ": " + record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        portLogger.addHandler(recorder);
        try {
            port.close();
        } finally {
            portLogger.removeHandler(recorder);
        }
        assertEquals(List.of(), warnings, "the drain finished: nothing was left undrained");
        assertEquals(0, port.pendingOperations());
        assertEquals(0, uring.sends().zeroCopy().inFlight());
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
