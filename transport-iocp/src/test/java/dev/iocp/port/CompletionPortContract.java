package dev.iocp.port;

import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The behaviour every {@link CompletionPort} backend must show. A backend's test extends this
 * and names the backend; where the backend cannot run, every test is skipped with the cause
 * printed. What a port must refuse, and how, is in its superclass, {@link SubmissionRefusalContract}.
 */
public abstract class CompletionPortContract extends SubmissionRefusalContract implements SendSegmentsContract {

    @Override
    public CompletionPort port() {
        return port;
    }

    @Override
    public PortDriver driver() {
        return driver;
    }

    // ---- posts and wake-ups -----------------------------------------------------------------

    @Test
    void postsFromTwoThreadsAreAllDequeuedInOrderPerThread() throws Exception {
        int perThread = 50_000;
        CountDownLatch start = new CountDownLatch(1);
        Thread[] posters = new Thread[2];
        for (int t = 0; t < 2; t++) {
            long key = t + 1;
            posters[t] = Thread.ofPlatform().start(() -> {
                awaitQuietly(start);
                for (int i = 0; i < perThread; i++) {
                    port.post(key, i);
                }
            });
        }
        start.countDown();
        int[] next = new int[3];
        int total = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (total < 2 * perThread && System.nanoTime() < deadline) {
            total += port.dequeue((key, operation, result, flags, id) -> {
                assertEquals(Operation.POST, operation);
                assertEquals(next[(int) key]++, result, "posts from one thread arrive in order");
            }, 1024, TimeUnit.SECONDS.toNanos(1));
        }
        for (Thread poster : posters) {
            poster.join();
        }
        assertEquals(2 * perThread, total);
        assertEquals(perThread, next[1]);
        assertEquals(perThread, next[2]);
        assertEquals(0, port.dequeue((k, o, r, f, i) -> { }, 16, 0), "nothing is delivered twice");
    }

    @Test
    void blockedDequeueReturnsOnWakeupFromAnotherThread() throws Exception {
        // The port is owned by the thread that first uses it, so this one runs on its own thread.
        CompletionPort own = openPort(PortConfig.DEFAULT);
        CountDownLatch aboutToWait = new CountDownLatch(1);
        CompletableFuture<Integer> returned = new CompletableFuture<>();
        AtomicReference<String> delivered = new AtomicReference<>();
        Thread owner = Thread.ofPlatform().start(() -> {
            try (own) {
                own.submitNop(1); // bind ownership and drain the nop first
                own.dequeue((k, o, r, f, i) -> { }, 16, TimeUnit.SECONDS.toNanos(5));
                aboutToWait.countDown();
                // No timeout: only a wake-up can end this wait.
                returned.complete(own.dequeue((k, o, r, f, i) -> delivered.set(o.name()), 16, -1));
            } catch (Throwable t) {
                returned.completeExceptionally(t);
            }
        });
        aboutToWait.await();
        Thread.sleep(100); // let the owner block, though a wake-up before the wait must work too
        own.wakeup();
        assertEquals(0, returned.get(30, TimeUnit.SECONDS), "the wait ended with no completion: woken");
        assertNull(delivered.get());
        owner.join();
    }

    @Test
    void wakeupBeforeTheWaitIsNotLost() throws IOException {
        port.submitNop(1);
        driver.awaitCount(1);
        for (int i = 0; i < 1000; i++) {
            port.wakeup(); // coalesced: the owner is not waiting
        }
        // An hour-long wait returns at once, because a wake-up came in since the last wait.
        assertEquals(0, port.dequeue((k, o, r, f, i) -> { }, 16, TimeUnit.HOURS.toNanos(1)));
    }

    @Test
    void wakeupsWhileTheOwnerIsBusyCostNoSystemCall() throws IOException {
        port.submitNop(1);
        driver.awaitCount(1);
        PortMetricsSnapshot before = port.metrics().snapshot();
        for (int i = 0; i < 1000; i++) {
            port.wakeup();
        }
        assertEquals(0, port.dequeue((k, o, r, f, i) -> { }, 16, TimeUnit.HOURS.toNanos(1)));
        PortMetricsSnapshot woken = port.metrics().snapshot().since(before);
        assertEquals(0, woken.get(PortCounter.WAKEUPS_SIGNALLED), "the owner was not waiting, so nobody made a system call");
        assertEquals(1, woken.get(PortCounter.WAKEUPS_COALESCED), "the thousand made the owner skip one wait");
        assertEquals(0, woken.get(PortCounter.KERNEL_WAITS), "and the hour-long dequeue did not wait");
    }

    @Test
    void postWakesABlockedDequeueAndDeliversThePacket() throws Exception {
        port.submitNop(1);
        driver.awaitCount(1);
        Thread poster = Thread.ofPlatform().start(() -> {
            sleepQuietly(100);
            port.post(77, 1234);
        });
        List<Completion> got = new java.util.ArrayList<>();
        port.dequeue((k, o, r, f, i) -> got.add(new Completion(k, o, r, f, i)), 16, TimeUnit.HOURS.toNanos(1));
        poster.join();
        assertEquals(List.of(new Completion(77, Operation.POST, 1234, 0, 0)), got);
    }

    @Test
    void dequeueWithZeroTimeoutDoesNotWait() throws IOException {
        assertEquals(0, port.dequeue((k, o, r, f, i) -> { }, 16, 0));
    }

    // ---- operations without sockets -------------------------------------------------------

    @Test
    void nopAndTimeoutComplete() throws IOException {
        long nop = port.submitNop(5);
        long timer = port.submitTimeout(6, TimeUnit.MILLISECONDS.toNanos(1));
        List<Completion> all = driver.awaitCount(2);
        assertTrue(all.contains(new Completion(5, Operation.NOP, 0, 0, nop)), all::toString);
        assertTrue(all.contains(new Completion(6, Operation.TIMEOUT, 0, 0, timer)), all::toString);
        assertEquals(0, port.pendingOperations());
    }

    @Test
    void cancelledTimeoutCompletesCancelled() throws IOException {
        long timer = port.submitTimeout(6, TimeUnit.HOURS.toNanos(1));
        long cancel = port.submitCancel(null, timer);
        List<Completion> all = driver.awaitCount(2);
        assertTrue(all.contains(new Completion(6, Operation.TIMEOUT, -Errno.ECANCELED, 0, timer)), all::toString);
        assertTrue(all.contains(new Completion(0, Operation.CANCEL, 0, 0, cancel)), all::toString);
    }

    @Test
    void burstLargerThanBothQueuesCompletesEveryOperationOnce() throws IOException {
        port.close();
        port = openPort(new PortConfig(8, 16)); // 10 000 operations against 8 SQEs and 16 CQEs
        int count = 10_000;
        Map<Long, Integer> ids = new HashMap<>();
        for (int i = 0; i < count; i++) {
            long id = i % 10 == 0 ? port.submitTimeout(i, 0) : port.submitNop(i);
            assertTrue(ids.put(id, i) == null, "ids are unique among operations in flight");
        }
        assertEquals(count, port.pendingOperations());
        int[] seen = new int[count];
        int total = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (total < count && System.nanoTime() < deadline) {
            total += port.dequeue((key, operation, result, flags, id) -> {
                assertEquals(0, result);
                assertEquals(ids.get(id).longValue(), key);
                seen[(int) key]++;
            }, 100, TimeUnit.SECONDS.toNanos(1));
        }
        assertEquals(count, total);
        assertTrue(java.util.Arrays.stream(seen).allMatch(n -> n == 1), "each operation completed exactly once");
        assertEquals(0, port.pendingOperations());
    }

    // ---- connections ----------------------------------------------------------------------

    @Test
    void thousandConnectionsEachSendOneMebibyteInGatheringSends() throws IOException {
        new LoopbackTransfer(port, 1000, 1 << 20).run();
        assertEquals(0, port.pendingOperations());
    }

    @Test
    void connectToAClosedPortCompletesWithEconnrefused() throws IOException {
        InetSocketAddress closedPort = unusedLoopbackPort();
        PortSocket client = open(StandardProtocolFamily.INET, 1);
        long id = port.submitConnect(client, closedPort);
        Completion c = driver.await(x -> x.id() == id, "connect");
        assertEquals(-Errno.ECONNREFUSED, c.result());
        PortException error = PortException.of(Operation.CONNECT, closedPort, c.result());
        assertEquals("connect(127.0.0.1:" + closedPort.getPort() + "): ECONNREFUSED (Connection refused)",
                error.getMessage());
        assertEquals("ECONNREFUSED", error.errnoName());
    }

    @Test
    void peerResetCompletesAPendingReceiveWithEconnreset() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        ByteBuffer buffer = ByteBuffer.allocateDirect(64);
        long receive = port.submitReceive(pair.client(), buffer);
        pair.server().setOption(StandardSocketOptions.SO_LINGER, 0); // close sends RST
        port.submitClose(pair.server());
        Completion c = driver.await(x -> x.id() == receive, "receive");
        assertEquals(-Errno.ECONNRESET, c.result(), c::toString);
        assertTrue(PortException.of(Operation.RECEIVE, pair.client().localAddress(), c.result()).getMessage()
                .matches("receive\\(127\\.0\\.0\\.1:\\d+\\): ECONNRESET \\(Connection reset by peer\\)"));
    }

    @Test
    void shutdownOfOneDirectionLeavesTheOtherOpen() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        long shutdown = port.submitShutdown(pair.client(), ShutdownMode.OUTPUT);
        long eof = port.submitReceive(pair.server(), ByteBuffer.allocateDirect(16));
        assertEquals(0, driver.await(x -> x.id() == shutdown, "shutdown").result());
        assertEquals(0, driver.await(x -> x.id() == eof, "end of stream at the server").result());
        ByteBuffer reply = ByteBuffer.allocateDirect(3).put(new byte[] {1, 2, 3}).flip();
        long send = port.submitSend(pair.server(), reply);
        ByteBuffer into = ByteBuffer.allocateDirect(16);
        long receive = port.submitReceive(pair.client(), into);
        assertEquals(3, driver.await(x -> x.id() == send, "the server still sends").result());
        assertEquals(3, driver.await(x -> x.id() == receive, "the client still receives").result());
        assertEquals(0, into.position(), "the port does not move the buffer's position");
        assertEquals(2, into.get(1));
        pair.server().shutdown(ShutdownMode.OUTPUT); // the synchronous form
        long eofAtClient = port.submitReceive(pair.client(), ByteBuffer.allocateDirect(16));
        assertEquals(0, driver.await(x -> x.id() == eofAtClient, "end of stream at the client").result());
    }

    @Test
    void cancelledReceiveCompletesCancelledAndKeepsItsBufferUntilThen() throws Exception {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
        WeakReference<ByteBuffer> held = new WeakReference<>(buffer);
        long receive = port.submitReceive(pair.client(), buffer);
        buffer = null;
        long cancel = port.submitCancel(pair.client(), receive);
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        assertNotNull(held.get(), "the port holds the buffer while the receive is in flight");
        List<Completion> all = driver.awaitCount(2);
        assertTrue(all.contains(new Completion(1, Operation.RECEIVE, -Errno.ECANCELED, 0, receive)), all::toString);
        assertTrue(all.contains(new Completion(1, Operation.CANCEL, 0, 0, cancel)), all::toString);
        for (int i = 0; i < 50 && held.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(held.get(), "the port let the buffer go once the receive completed");
    }

    @Test
    void closingASocketWithReceiveAndSendInFlightCompletesEachOnceThenTheClose() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        pair.client().setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
        pair.server().setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
        ByteBuffer big = ByteBuffer.allocateDirect(16 << 20);
        long first = port.submitSend(pair.client(), big);
        Completion c = driver.await(x -> x.id() == first, "first send");
        assertTrue(c.result() > 0 && c.result() < big.capacity(), "the first send fills the buffers: " + c);
        long send = port.submitSend(pair.client(), big);       // waits: nobody reads
        long receive = port.submitReceive(pair.client(), ByteBuffer.allocateDirect(64)); // waits: nobody writes
        long close = port.submitClose(pair.client());
        driver.await(x -> x.id() == close, "close");
        // Anything delivered twice would be ready by now.
        port.dequeue((k, o, r, f, i) -> driver.seen().add(new Completion(k, o, r, f, i)), 64, 0);
        List<Completion> all = driver.seen();
        assertEquals(1, all.stream().filter(x -> x.id() == send).count(), all::toString);
        assertEquals(1, all.stream().filter(x -> x.id() == receive).count(), all::toString);
        assertEquals(-Errno.ECANCELED, all.stream().filter(x -> x.id() == receive).findFirst().orElseThrow().result());
        int closeAt = indexOf(all, close);
        assertTrue(indexOf(all, send) < closeAt && indexOf(all, receive) < closeAt, "the close comes last: " + all);
        assertEquals(0, all.get(closeAt).result());
        assertFalse(pair.client().isOpen());
    }

    @Test
    void descriptorCountIsUnchangedAfterTenThousandOpenCloseCycles() throws IOException {
        PortSocket listener = listener(StandardProtocolFamily.INET);
        SocketAddress target = listener.localAddress();
        long before = openDescriptors();
        int cycles = 10_000;
        int batch = 100;
        for (int done = 0; done < cycles; done += batch) {
            PortSocket[] clients = new PortSocket[batch];
            for (int i = 0; i < batch; i++) {
                clients[i] = open(StandardProtocolFamily.INET, 10 + i);
                clients[i].setOption(StandardSocketOptions.SO_LINGER, 0); // RST: no TIME_WAIT pile-up
                port.submitConnect(clients[i], target);
                port.submitAccept(listener);
            }
            int[] closes = new int[1];
            int[] accepted = new int[1];
            int[] connected = new int[1];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (closes[0] < 2 * batch && System.nanoTime() < deadline) {
                port.dequeue((key, operation, result, flags, id) -> {
                    try {
                        switch (operation) {
                            case ACCEPT -> {
                                assertTrue(result >= 0, () -> Errno.describe(result));
                                PortSocket server = port.adoptAccepted(listener, result);
                                port.register(server, 1000);
                                // A FIN, not a RST: the client's connect may still be completing.
                                port.submitClose(server);
                                accepted[0]++;
                            }
                            case CONNECT -> {
                                assertEquals(0, result, () -> Errno.describe(result));
                                port.submitClose(clients[(int) key - 10]);
                                connected[0]++;
                            }
                            case CLOSE -> closes[0]++;
                            default -> throw new AssertionError(operation);
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, 256, TimeUnit.SECONDS.toNanos(1));
            }
            assertEquals(batch, accepted[0]);
            assertEquals(batch, connected[0]);
            assertEquals(2 * batch, closes[0]);
        }
        assertEquals(before, openDescriptors(), "descriptors after " + cycles + " cycles");
        listener.close();
        for (int i = 0; i < 200; i++) {
            openPort(PortConfig.DEFAULT).close();
        }
        for (int i = 0; i < 200; i++) {
            CompletionPort used = openPort(PortConfig.DEFAULT);
            used.submitNop(1);
            used.dequeue((k, o, r, f, id) -> { }, 1, TimeUnit.SECONDS.toNanos(5));
            used.close();
        }
        assertEquals(before - 1, openDescriptors(), "descriptors after opening and closing 400 ports");
    }

    @Test
    void closingThePortCancelsWhatIsInFlightAndClosesItsSockets() throws IOException {
        long before = openDescriptors();
        CompletionPort other = openPort(PortConfig.DEFAULT);
        PortSocket listener = backend().openSocket(StandardProtocolFamily.INET);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        listener.listen(8);
        other.register(listener, 1);
        other.submitAccept(listener);
        other.submitTimeout(2, TimeUnit.HOURS.toNanos(1));
        PortSocket client = backend().openSocket(StandardProtocolFamily.INET);
        other.register(client, 3);
        other.submitConnect(client, listener.localAddress());
        other.dequeue((k, o, r, f, i) -> { }, 16, 0);
        assertTrue(other.pendingOperations() >= 1, "the timer at least is in flight");
        other.close();
        assertEquals(0, other.pendingOperations());
        assertFalse(listener.isOpen());
        assertEquals(before, openDescriptors());
        assertThrows(IllegalStateException.class, () -> other.submitNop(1));
    }

    @Test
    void dualStackSocketAcceptsIpv4AndIpv6() throws IOException {
        Assumptions.assumeTrue(ipv6LoopbackWorks(), "no IPv6 loopback here");
        PortSocket listener = backend().openSocket(StandardProtocolFamily.INET6);
        listener.bind(new InetSocketAddress(0));
        listener.listen(8);
        port.register(listener, 0);
        int listenPort = ((InetSocketAddress) listener.localAddress()).getPort();
        for (InetAddress address : new InetAddress[] {InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")}) {
            StandardProtocolFamily family = address instanceof Inet4Address ? StandardProtocolFamily.INET
                    : StandardProtocolFamily.INET6;
            Pair pair = connect(listener, family, new InetSocketAddress(address, listenPort));
            assertEquals(address, ((InetSocketAddress) pair.server().remoteAddress()).getAddress());
            assertEquals(address, ((InetSocketAddress) pair.client().remoteAddress()).getAddress());
            assertEquals(listenPort, ((InetSocketAddress) pair.client().remoteAddress()).getPort());
            assertEquals(pair.client().localAddress(), pair.server().remoteAddress());
        }
    }

    @Test
    void anAcceptedConnectionTheHandlerDoesNotAdoptIsClosed() throws IOException {
        PortSocket listener = listener(StandardProtocolFamily.INET);
        PortSocket client = open(StandardProtocolFamily.INET, 1);
        port.submitAccept(listener);
        port.submitConnect(client, listener.localAddress());
        driver.awaitCount(2); // the handler ignores the accepted connection
        long receive = port.submitReceive(client, ByteBuffer.allocateDirect(16));
        Completion c = driver.await(x -> x.id() == receive, "end of stream from the declined connection");
        assertTrue(c.result() == 0 || c.result() == -Errno.ECONNRESET, c::toString);
    }

    @Test
    void socketOptionsRoundTrip() throws IOException {
        PortSocket s = backend().openSocket(StandardProtocolFamily.INET);
        try {
            roundTrip(s, StandardSocketOptions.SO_REUSEADDR, true);
            roundTrip(s, StandardSocketOptions.SO_REUSEPORT, true);
            roundTrip(s, StandardSocketOptions.TCP_NODELAY, true);
            roundTrip(s, StandardSocketOptions.SO_KEEPALIVE, true);
            roundTrip(s, StandardSocketOptions.SO_LINGER, 5);
            roundTrip(s, StandardSocketOptions.SO_LINGER, -1);
            roundTrip(s, StandardSocketOptions.IP_TOS, 0x10);
            roundTrip(s, ExtendedSocketOptions.TCP_KEEPIDLE, 30);
            roundTrip(s, ExtendedSocketOptions.TCP_KEEPINTERVAL, 5);
            roundTrip(s, ExtendedSocketOptions.TCP_KEEPCOUNT, 3);
            // Linux options the JDK cannot set: a backend either supports them or says it does not.
            roundTripIfSupported(s, PortSocketOptions.TCP_USER_TIMEOUT, 1500);
            roundTripIfSupported(s, PortSocketOptions.TCP_FASTOPEN, 16);
            roundTripIfSupported(s, PortSocketOptions.TCP_CORK, true);
            roundTripIfSupported(s, PortSocketOptions.TCP_NOTSENT_LOWAT, 16_384L);
            roundTripIfSupported(s, PortSocketOptions.TCP_DEFER_ACCEPT, 3);
            roundTripIfSupported(s, PortSocketOptions.IP_FREEBIND, true);
            roundTripIfSupported(s, PortSocketOptions.IP_BIND_ADDRESS_NO_PORT, true);
            roundTripIfSupported(s, PortSocketOptions.IP_TRANSPARENT, false);
            roundTripIfSupported(s, PortSocketOptions.SO_BUSY_POLL, 0);
            if (s.supportedOptions().contains(PortSocketOptions.TCP_INFO)) {
                assertEquals(TCP_CLOSE, s.getOption(PortSocketOptions.TCP_INFO).state(), "a socket never connected");
                TcpInfo info = s.getOption(PortSocketOptions.TCP_INFO);
                assertThrows(UnsupportedOperationException.class, () -> s.setOption(PortSocketOptions.TCP_INFO, info));
            } else {
                assertThrows(UnsupportedOperationException.class, () -> s.getOption(PortSocketOptions.TCP_INFO));
            }
            s.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
            s.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
            assertTrue(s.getOption(StandardSocketOptions.SO_RCVBUF) >= 64 * 1024);
            s.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
            assertTrue(s.getOption(StandardSocketOptions.SO_SNDBUF) >= 64 * 1024);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> s.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 3));
            assertTrue(e.getMessage().contains("IP_MULTICAST_TTL"), e.getMessage());
            assertTrue(s.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY));
        } finally {
            s.close();
        }
    }

    /** {@code TCP_CLOSE} in include/net/tcp_states.h: the state of a socket neither connected nor listening. */
    private static final int TCP_CLOSE = 7;

    private static <T> void roundTripIfSupported(PortSocket socket, SocketOption<T> option, T value) throws IOException {
        if (socket.supportedOptions().contains(option)) {
            roundTrip(socket, option, value);
        } else {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> socket.setOption(option, value));
            assertTrue(e.getMessage().contains(option.name()), e.getMessage());
        }
    }

    private static <T> void roundTrip(PortSocket socket, SocketOption<T> option, T value) throws IOException {
        socket.setOption(option, value);
        assertEquals(value, socket.getOption(option), option.name());
    }

    // ---- accepted connections -------------------------------------------------------------

    @Test
    void aConnectionResetBeforeItsAcceptKeepsThePeerAddressTheAcceptReturned() throws IOException {
        PortSocket listener = listener(StandardProtocolFamily.INET);
        long before = openDescriptors();
        InetSocketAddress clientAddress;
        try (java.net.Socket client = new java.net.Socket()) {
            client.connect(listener.localAddress()); // established in the accept queue
            clientAddress = (InetSocketAddress) client.getLocalSocketAddress();
            client.setSoLinger(true, 0); // the close resets the queued connection
        }
        PortSocket server = acceptAndAdopt(listener, 1).getFirst().socket();
        assertEquals(clientAddress, server.remoteAddress(), "the address the accept returned, not getpeername's ENOTCONN");
        assertEquals(clientAddress, server.remoteAddress(), "asked twice: still there");
        port.register(server, 2);
        long receive = port.submitReceive(server, ByteBuffer.allocateDirect(16));
        Completion c = driver.await(x -> x.id() == receive, "receive on the reset connection");
        assertTrue(c.result() == -Errno.ECONNRESET || c.result() == 0, c::toString);
        long close = port.submitClose(server);
        assertEquals(0, driver.await(x -> x.id() == close, "close").result());
        assertEquals(before, openDescriptors(), "the reset connection's descriptor is gone");
    }

    /**
     * Whether this backend's ACCEPT completions carry {@link CompletionFlags#INPUT_PENDING} when
     * more connections wait in the accept queue.
     */
    protected boolean acceptsSayWhenMoreConnectionsWait() {
        return true;
    }

    @Test
    void anAcceptSaysWhetherMoreConnectionsWaitInTheQueue() throws IOException {
        PortSocket listener = listener(StandardProtocolFamily.INET);
        java.net.Socket[] clients = new java.net.Socket[3];
        try {
            for (int i = 0; i < clients.length; i++) {
                clients[i] = new java.net.Socket();
                clients[i].connect(listener.localAddress()); // queued: nothing accepts yet
            }
            List<Accepted> accepted = acceptAndAdopt(listener, 3);
            for (Accepted a : accepted) {
                a.socket().close();
            }
            List<Integer> flags = accepted.stream().map(a -> a.flags() & CompletionFlags.INPUT_PENDING).toList();
            int pending = CompletionFlags.INPUT_PENDING;
            assertEquals(acceptsSayWhenMoreConnectionsWait() ? List.of(pending, pending, 0) : List.of(0, 0, 0), flags,
                    "INPUT_PENDING on each accept, in completion order");
        } finally {
            for (java.net.Socket client : clients) {
                if (client != null) {
                    client.close();
                }
            }
        }
    }

    // ---- closes ---------------------------------------------------------------------------------

    @Test
    void aCloseCountsAsPendingUntilItsCompletionIsDelivered() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        long receive = port.submitReceive(pair.client(), ByteBuffer.allocateDirect(64));
        port.dequeue((k, o, r, f, i) -> { }, 16, 0); // the receive waits: nothing was sent
        long close = port.submitClose(pair.client());
        Map<Long, Integer> pendingWhenDelivered = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!pendingWhenDelivered.containsKey(close) && System.nanoTime() < deadline) {
            port.dequeue((k, o, r, f, id) -> pendingWhenDelivered.put(id, port.pendingOperations()), 16,
                    TimeUnit.MILLISECONDS.toNanos(200));
        }
        assertEquals(1, pendingWhenDelivered.get(receive), "the close is pending while the cancelled receive is delivered");
        assertEquals(0, pendingWhenDelivered.get(close));
    }

    @Test
    void aLingeringCloseRunsWhileTheOwnerKeepsDequeuing() throws Exception {
        long before = openDescriptors();
        // Small buffers from the handshake on, so that the window the server offers stays small.
        PortSocket listener = backend().openSocket(StandardProtocolFamily.INET);
        listener.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        listener.listen(8);
        port.register(listener, 0);
        PortSocket client = backend().openSocket(StandardProtocolFamily.INET);
        client.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
        port.register(client, 1);
        PortSocket server = acceptWhileConnecting(listener, client);
        listener.close();
        ByteBuffer big = ByteBuffer.allocateDirect(16 << 20);
        long fill = port.submitSend(client, big);
        Completion filled = driver.await(x -> x.id() == fill, "the send that fills the buffers");
        assertTrue(filled.result() > 0 && filled.result() < big.capacity(), filled::toString);
        // The server never reads: what the client still holds is never acknowledged, so the
        // close below lingers its full three seconds.
        Pair pair = new Pair(client, server);
        pair.client().setOption(StandardSocketOptions.SO_LINGER, 3);
        long receive = port.submitReceive(pair.client(), ByteBuffer.allocateDirect(64));
        port.dequeue((k, o, r, f, i) -> driver.seen().add(new Completion(k, o, r, f, i)), 16, 0);
        long close = port.submitClose(pair.client());
        Thread.ofPlatform().start(() -> port.post(77, 1)).join();
        List<Completion> all = driver.awaitUntil(seen -> seen.stream().anyMatch(x -> x.id() == close), "close");
        int receiveAt = indexOf(all, receive);
        int postAt = all.indexOf(new Completion(77, Operation.POST, 1, 0, 0));
        int closeAt = indexOf(all, close);
        assertEquals(-Errno.ECANCELED, all.get(receiveAt).result());
        assertTrue(receiveAt < postAt && postAt < closeAt,
                "the post from another thread is delivered while the close lingers: " + all);
        assertEquals(0, all.get(closeAt).result());
        long serverClose = port.submitClose(pair.server());
        driver.await(x -> x.id() == serverClose, "the server's close");
        assertEquals(before, openDescriptors(), "no descriptor is left behind");
    }

    // ---- helpers --------------------------------------------------------------------------

    /** A connection the test accepted and adopted, with the flags of its ACCEPT completion. */
    protected record Accepted(PortSocket socket, int flags) {
    }

    /** Submits {@code count} accepts and adopts (but does not register) each connection, in completion order. */
    protected List<Accepted> acceptAndAdopt(PortSocket listener, int count) throws IOException {
        List<Long> ids = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(port.submitAccept(listener));
        }
        List<Accepted> accepted = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (accepted.size() < count && System.nanoTime() < deadline) {
            port.dequeue((key, operation, result, flags, id) -> {
                driver.seen().add(new Completion(key, operation, result, flags, id));
                if (ids.contains(id)) {
                    assertTrue(result >= 0, () -> Errno.describe(result));
                    try {
                        accepted.add(new Accepted(port.adoptAccepted(listener, result), flags));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }, 16, TimeUnit.MILLISECONDS.toNanos(200));
        }
        assertEquals(count, accepted.size(), "accepted");
        return accepted;
    }

    private static InetSocketAddress unusedLoopbackPort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return new InetSocketAddress(InetAddress.getByName("127.0.0.1"), s.getLocalPort());
        }
    }

    private static boolean ipv6LoopbackWorks() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int indexOf(List<Completion> all, long id) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).id() == id) {
                return i;
            }
        }
        return -1;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
