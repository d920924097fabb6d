package dev.iocp.port.nio;

import dev.iocp.port.Backend;
import dev.iocp.port.Completion;
import dev.iocp.port.CompletionFlags;
import dev.iocp.port.CompletionPortContract;
import dev.iocp.port.Errno;
import dev.iocp.port.Operation;
import dev.iocp.port.PortException;
import dev.iocp.port.PortSocket;
import dev.iocp.port.PortSocketOptions;
import dev.iocp.port.ShutdownMode;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract on the portable java.nio backend, and what is particular to it. */
class NioPortTest extends CompletionPortContract {

    @Override
    protected Backend backend() {
        return NioBackend.INSTANCE;
    }

    /** java.nio's accept does not tell whether more connections wait, so nio never says so. */
    @Override
    protected boolean acceptsSayWhenMoreConnectionsWait() {
        return false;
    }

    // ---- completions only ever come from dequeue -------------------------------------------

    @Test
    void aReceiveWhoseDataIsAlreadyThereStillCompletesFromDequeue() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        long send = port.submitSend(pair.server(), direct(1, 2, 3));
        driver.await(c -> c.id() == send, "send"); // on loopback the bytes are at the client now

        ByteBuffer into = ByteBuffer.allocateDirect(16);
        long receive = port.submitReceive(pair.client(), into);
        assertEquals(1, pair.client().pendingOperations(), "submitted, not completed");
        assertEquals(0, into.get(0), "nothing is read inside the submit");

        List<Completion> got = new ArrayList<>();
        port.dequeue((k, o, r, f, id) -> got.add(new Completion(k, o, r, f, id)), 16, TimeUnit.SECONDS.toNanos(5));
        assertEquals(List.of(new Completion(1, Operation.RECEIVE, 3, 0, receive)), got);
        assertEquals(0, into.position());
        assertEquals(3, into.get(2));
    }

    @Test
    void handlersAreNeverReenteredAndTheirSubmissionsCompleteOnTheNextDequeue() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        long send = port.submitSend(pair.server(), direct(9, 9));
        driver.await(c -> c.id() == send, "send");
        int[] depth = new int[1];
        List<Completion> got = new ArrayList<>();
        long[] submitted = new long[2];
        port.submitNop(7);
        port.dequeue((k, o, r, f, id) -> {
            assertEquals(0, depth[0]++, "re-entered");
            got.add(new Completion(k, o, r, f, id));
            submitted[0] = port.submitNop(8);
            submitted[1] = port.submitReceive(pair.client(), ByteBuffer.allocateDirect(8)); // data is there
            depth[0]--;
        }, 16, TimeUnit.SECONDS.toNanos(5));
        assertEquals(1, got.size(), "what the handler submitted waits for the next dequeue: " + got);
        got.clear();
        port.dequeue((k, o, r, f, id) -> got.add(new Completion(k, o, r, f, id)), 16, TimeUnit.SECONDS.toNanos(5));
        assertEquals(List.of(new Completion(8, Operation.NOP, 0, 0, submitted[0]),
                new Completion(1, Operation.RECEIVE, 2, 0, submitted[1])), got);
    }

    // ---- buffers ----------------------------------------------------------------------------

    @Test
    void aReceiveUsesTheWindowItWasSubmittedWithAndLeavesThePositionAlone() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        ByteBuffer into = ByteBuffer.allocateDirect(16);
        into.position(2).limit(6);
        long receive = port.submitReceive(pair.client(), into);
        into.clear(); // the caller moves its buffer: the submitted window still applies
        long send = port.submitSend(pair.server(), direct(1, 2, 3, 4, 5, 6, 7, 8));
        driver.await(c -> c.id() == send, "send");
        Completion c = driver.await(x -> x.id() == receive, "receive");
        assertTrue(c.result() > 0 && c.result() <= 4, c::toString);
        assertEquals(0, into.position());
        assertEquals(16, into.limit());
        assertEquals(0, into.get(1), "nothing before the window");
        assertEquals(1, into.get(2));
        assertEquals(0, into.get(6), "nothing after the window");
    }

    @Test
    void aGatheringSendCopiesTheArrayAndMovesNoPosition() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        ByteBuffer a = direct(1, 2, 3);
        ByteBuffer b = ByteBuffer.wrap(new byte[] {0, 4, 5}).position(1); // heap buffers work too
        ByteBuffer[] array = {a, b, a.duplicate().position(2)};
        long send = port.submitSend(pair.client(), array, 0, 3);
        array[0] = array[1] = array[2] = null; // the caller reuses its array at once
        assertEquals(6, driver.await(c -> c.id() == send, "send").result());
        assertEquals(0, a.position());
        assertEquals(1, b.position());
        ByteBuffer into = ByteBuffer.allocate(16); // a heap buffer
        int received = 0;
        while (received < 6) {
            long receive = port.submitReceive(pair.server(), into.duplicate().position(received));
            int n = driver.await(c -> c.id() == receive, "receive").result();
            assertTrue(n > 0, "received " + n);
            received += n;
        }
        assertEquals(0, into.position());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 3}, java.util.Arrays.copyOf(into.array(), 6));
    }

    @Test
    void aReceiveOfNothingCompletesAtOnce() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        long receive = port.submitReceive(pair.client(), ByteBuffer.allocateDirect(0));
        assertEquals(0, driver.await(c -> c.id() == receive, "receive").result());
    }

    @Test
    void inputPendingTellsWhetherTheNextReceiveFindsDataAtOnce() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        long send = port.submitSend(pair.server(), direct(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
        driver.await(c -> c.id() == send, "send");
        ByteBuffer first = ByteBuffer.allocateDirect(4);
        long r1 = port.submitReceive(pair.client(), first);
        Completion c1 = driver.await(c -> c.id() == r1, "first receive");
        assertEquals(4, c1.result());
        assertEquals(CompletionFlags.INPUT_PENDING, c1.flags(), "six more bytes are queued");
        ByteBuffer second = ByteBuffer.allocate(6);
        long r2 = port.submitReceive(pair.client(), second);
        Completion c2 = driver.await(c -> c.id() == r2, "second receive");
        assertEquals(6, c2.result());
        assertEquals(0, c2.flags(), "it took exactly what was there");
        assertEquals(4, first.get(3));
        assertArrayEquals(new byte[] {5, 6, 7, 8, 9, 10}, second.array(), "in order, nothing lost or doubled");
        long r3 = port.submitReceive(pair.client(), ByteBuffer.allocateDirect(8));
        port.dequeue((k, o, r, f, i) -> driver.seen().add(new Completion(k, o, r, f, i)), 16, 0);
        assertEquals(1, pair.client().pendingOperations(), "nothing more to read: the third receive waits");
        long more = port.submitSend(pair.server(), direct(11));
        driver.await(c -> c.id() == more, "send");
        assertEquals(1, driver.await(c -> c.id() == r3, "third receive").result());
    }

    @Test
    void receivesQueuedOnASocketAreFilledInTurnFromOneReadiness() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        ByteBuffer a = ByteBuffer.allocateDirect(3);
        ByteBuffer b = ByteBuffer.allocateDirect(3);
        ByteBuffer c = ByteBuffer.allocateDirect(8);
        long ra = port.submitReceive(pair.client(), a);
        long rb = port.submitReceive(pair.client(), b);
        long rc = port.submitReceive(pair.client(), c);
        port.dequeue((k, o, r, f, i) -> driver.seen().add(new Completion(k, o, r, f, i)), 16, 0); // all wait
        long send = port.submitSend(pair.server(), direct(1, 2, 3, 4, 5, 6, 7));
        driver.await(x -> x.id() == rc, "the third receive");
        assertEquals(List.of(3, 3, 1), List.of(result(ra), result(rb), result(rc)), "a full window reads on");
        assertEquals(7, result(send));
        assertEquals(3, a.get(2));
        assertEquals(6, b.get(2));
        assertEquals(7, c.get(0));
    }

    @Test
    void smallAndLargeWindowsAlikeReadOneByteAheadAndLoseNothing() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        // Read through the port's small buffer and copied, or read in place: both the same.
        for (int window : new int[] {ReceiveLookahead.SMALL_WINDOW, ReceiveLookahead.SMALL_WINDOW + 1}) {
            byte[] sent = new byte[window + 3];
            new java.util.Random(window).nextBytes(sent);
            long send = port.submitSend(pair.server(), ByteBuffer.allocateDirect(sent.length).put(sent).flip());
            assertEquals(sent.length, driver.await(c -> c.id() == send, "send").result());
            ByteBuffer first = ByteBuffer.allocateDirect(window + 8).position(8);
            long r1 = port.submitReceive(pair.client(), first);
            Completion c1 = driver.await(c -> c.id() == r1, "a full window");
            assertEquals(window, c1.result());
            assertEquals(CompletionFlags.INPUT_PENDING, c1.flags(), "three more bytes");
            ByteBuffer rest = ByteBuffer.allocate(8);
            long r2 = port.submitReceive(pair.client(), rest);
            assertEquals(3, driver.await(c -> c.id() == r2, "the rest").result());
            assertEquals(8, first.position(), "the position is left alone");
            assertEquals(-1, first.slice(8, window).mismatch(ByteBuffer.wrap(sent, 0, window)), "window " + window);
            assertArrayEquals(java.util.Arrays.copyOfRange(sent, window, window + 3), java.util.Arrays.copyOf(rest.array(), 3));
        }
    }

    @Test
    void aSendSubmittedBeforeTheCloseOfItsSocketIsSentNotCancelled() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        long send = port.submitSend(pair.client(), direct(1, 2, 3));
        long close = port.submitClose(pair.client()); // as io_uring: the send is tried first
        ByteBuffer into = ByteBuffer.allocateDirect(8);
        long receive = port.submitReceive(pair.server(), into);
        driver.await(c -> c.id() == close, "close");
        assertEquals(3, result(send));
        assertEquals(0, result(close));
        assertEquals(3, driver.await(c -> c.id() == receive, "receive").result());
        long eof = port.submitReceive(pair.server(), into);
        assertEquals(0, driver.await(c -> c.id() == eof, "end of stream").result());
    }

    @Test
    void aCancelSubmittedAfterASendThatCompletesAtOnceFindsNothing() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        long send = port.submitSend(pair.client(), direct(1, 2, 3));
        long cancel = port.submitCancel(pair.client(), send);
        driver.awaitCount(2);
        assertEquals(3, result(send));
        assertEquals(-Errno.ENOENT, result(cancel));
    }

    // ---- errors in Linux numbering ------------------------------------------------------------

    @Test
    void operationsThatNeedAConnectionFailAsLinuxSays() throws IOException {
        PortSocket unconnected = open(StandardProtocolFamily.INET, 3);
        long receive = port.submitReceive(unconnected, ByteBuffer.allocateDirect(8));
        long send = port.submitSend(unconnected, direct(1));
        long accept = port.submitAccept(unconnected);
        long shutdown = port.submitShutdown(unconnected, ShutdownMode.OUTPUT);
        driver.awaitCount(4);
        assertEquals(-Errno.ENOTCONN, result(receive));
        assertEquals(-Errno.ENOTCONN, result(send));
        assertEquals(-Errno.EINVAL, result(accept));
        assertEquals(-Errno.ENOTCONN, result(shutdown));
        PortException e = assertThrows(PortException.class, () -> unconnected.shutdown(ShutdownMode.BOTH));
        assertEquals("ENOTCONN", e.errnoName());
    }

    @Test
    void aSecondConnectWhileOneIsInProgressCompletesWithEalready() throws IOException {
        PortSocket listener = listener(StandardProtocolFamily.INET);
        PortSocket client = open(StandardProtocolFamily.INET, 1);
        long first = port.submitConnect(client, listener.localAddress());
        long second = port.submitConnect(client, listener.localAddress());
        driver.awaitCount(2);
        assertEquals(0, result(first));
        assertEquals(-Errno.EALREADY, result(second));
        long third = port.submitConnect(client, listener.localAddress());
        assertEquals(-Errno.EISCONN, driver.await(c -> c.id() == third, "connect").result());
    }

    @Test
    void aSendAfterShutdownOfOutputFailsWithEpipe() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        pair.client().shutdown(ShutdownMode.OUTPUT);
        long send = port.submitSend(pair.client(), direct(1));
        assertEquals(-Errno.EPIPE, driver.await(c -> c.id() == send, "send").result());
    }

    // ---- cancellation and close ---------------------------------------------------------------

    @Test
    void aCancelledReceiveLeavesTheQueueInOrder() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        ByteBuffer first = ByteBuffer.allocateDirect(1);
        ByteBuffer third = ByteBuffer.allocateDirect(1);
        long r1 = port.submitReceive(pair.client(), first);
        long r2 = port.submitReceive(pair.client(), ByteBuffer.allocateDirect(1));
        long r3 = port.submitReceive(pair.client(), third);
        port.dequeue((k, o, r, f, i) -> { }, 16, 0); // tried: nothing to read yet, so they wait
        assertEquals(3, pair.client().pendingOperations());
        long cancel = port.submitCancel(pair.client(), r2);
        long send = port.submitSend(pair.server(), direct(10, 30));
        driver.await(c -> c.id() == r3, "the third receive");
        assertEquals(-Errno.ECANCELED, result(r2));
        assertEquals(0, result(cancel));
        assertEquals(1, result(r1));
        assertEquals(1, result(r3));
        assertEquals(2, result(send));
        assertEquals(10, first.get(0));
        assertEquals(30, third.get(0));
    }

    @Test
    void cancellingAnOperationWhoseCompletionIsQueuedFindsNothing() throws IOException {
        long nop = port.submitNop(4);
        long cancel = port.submitCancel(null, nop);
        driver.awaitCount(2);
        assertEquals(0, result(nop));
        assertEquals(-Errno.ENOENT, result(cancel));
        long late = port.submitCancel(null, nop);
        assertEquals(-Errno.ENOENT, driver.await(c -> c.id() == late, "late cancel").result());
    }

    @Test
    void closingAListenerCancelsItsAcceptsThenDeliversTheClose() throws IOException {
        PortSocket listener = listener(StandardProtocolFamily.INET);
        long a1 = port.submitAccept(listener);
        long a2 = port.submitAccept(listener);
        port.dequeue((k, o, r, f, i) -> { }, 16, 0);
        long close = port.submitClose(listener);
        assertFalse(listener.isOpen());
        List<Completion> all = driver.awaitCount(3);
        assertEquals(List.of(a1, a2, close), all.stream().map(Completion::id).toList());
        assertEquals(-Errno.ECANCELED, result(a1));
        assertEquals(-Errno.ECANCELED, result(a2));
        assertEquals(0, result(close));
        assertEquals(0, port.pendingOperations());
    }

    @Test
    void onlyAnAcceptBeingHandledCanBeAdopted() throws IOException {
        PortSocket listener = listener(StandardProtocolFamily.INET);
        PortSocket client = open(StandardProtocolFamily.INET, 1);
        long accept = port.submitAccept(listener);
        port.submitConnect(client, listener.localAddress());
        int handle = driver.await(c -> c.id() == accept, "accept").result();
        assertThrows(IllegalArgumentException.class, () -> port.adoptAccepted(listener, handle), "too late");
        assertThrows(IllegalArgumentException.class, () -> port.adoptAccepted(listener, 12345));
    }

    @Test
    void closingThePortWithSocketsThatNeverGotAChannelClosesThem() throws IOException {
        long before = openDescriptors();
        PortSocket unbound = open(StandardProtocolFamily.INET6, 1);
        unbound.setOption(StandardSocketOptions.TCP_NODELAY, true);
        unbound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        long receive = port.submitReceive(unbound, ByteBuffer.allocateDirect(8));
        port.submitTimeout(2, TimeUnit.HOURS.toNanos(1));
        assertEquals(-Errno.ENOTCONN, driver.await(c -> c.id() == receive, "receive").result());
        port.submitReceive(unbound, ByteBuffer.allocateDirect(8));
        assertEquals(before, openDescriptors(), "a socket without a channel holds no descriptor");
        port.close();
        assertFalse(unbound.isOpen());
        assertEquals(0, port.pendingOperations());
    }

    // ---- the channel is made when the socket's role is known ------------------------------------

    @Test
    void optionsSetBeforeListenReachTheListenerAndWhatItAccepts() throws IOException {
        PortSocket listener = backend().openSocket(StandardProtocolFamily.INET);
        listener.setOption(StandardSocketOptions.SO_RCVBUF, 96 * 1024);
        listener.setOption(StandardSocketOptions.TCP_NODELAY, true);
        listener.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        listener.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, 42);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        assertEquals(0, ((InetSocketAddress) listener.localAddress()).getPort(), "the port is picked when the socket listens");
        listener.listen(8);
        assertNotEquals(0, ((InetSocketAddress) listener.localAddress()).getPort());
        assertTrue(listener.getOption(StandardSocketOptions.SO_RCVBUF) >= 96 * 1024);
        assertFalse(listener.getOption(StandardSocketOptions.SO_REUSEADDR), "off unless asked for, as on io_uring");
        assertTrue(listener.getOption(StandardSocketOptions.TCP_NODELAY));
        port.register(listener, 0);
        Pair pair = connect(listener, StandardProtocolFamily.INET, listener.localAddress());
        assertTrue(pair.server().getOption(StandardSocketOptions.TCP_NODELAY), "inherited from the listener");
        assertTrue(pair.server().getOption(StandardSocketOptions.SO_KEEPALIVE), "inherited from the listener");
        assertEquals(42, pair.server().getOption(ExtendedSocketOptions.TCP_KEEPIDLE));
        assertFalse(pair.client().getOption(StandardSocketOptions.TCP_NODELAY));
    }

    @Test
    void optionsAndBindSetBeforeConnectReachTheConnection() throws IOException {
        PortSocket listener = listener(StandardProtocolFamily.INET);
        PortSocket client = backend().openSocket(StandardProtocolFamily.INET);
        assertFalse(client.getOption(StandardSocketOptions.TCP_NODELAY), "a fresh socket's default");
        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        client.setOption(StandardSocketOptions.SO_SNDBUF, 48 * 1024);
        client.setOption(StandardSocketOptions.SO_LINGER, 3);
        InetSocketAddress local = freeLoopbackPort();
        client.bind(local);
        assertEquals(local, client.localAddress());
        port.register(client, 1);
        long connect = port.submitConnect(client, listener.localAddress());
        assertEquals(0, driver.await(c -> c.id() == connect, "connect").result());
        assertEquals(local, client.localAddress());
        assertEquals(listener.localAddress(), client.remoteAddress());
        assertTrue(client.getOption(StandardSocketOptions.TCP_NODELAY));
        assertTrue(client.getOption(StandardSocketOptions.SO_SNDBUF) >= 48 * 1024, "the kernel's value, doubled");
        assertEquals(3, client.getOption(StandardSocketOptions.SO_LINGER));
    }

    @Test
    void aBindErrorIsReportedByListenOrAsTheConnectResult() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            InetSocketAddress address = new InetSocketAddress(taken.getInetAddress(), taken.getLocalPort());
            PortSocket listener = backend().openSocket(StandardProtocolFamily.INET);
            listener.bind(address);
            PortException e = assertThrows(PortException.class, () -> listener.listen(8));
            assertEquals("listen(127.0.0.1:" + address.getPort() + "): EADDRINUSE (Address already in use)",
                    e.getMessage());
            listener.close();

            PortSocket client = open(StandardProtocolFamily.INET, 1);
            client.bind(address);
            long connect = port.submitConnect(client, address);
            assertEquals(-Errno.EADDRINUSE, driver.await(c -> c.id() == connect, "connect").result());
        }
    }

    @Test
    void optionsJavaNioCannotSetAreRefusedByNameAndTheOthersRoundTrip() throws IOException {
        PortSocket s = backend().openSocket(StandardProtocolFamily.INET);
        try {
            for (SocketOption<?> option : List.of(PortSocketOptions.TCP_USER_TIMEOUT, PortSocketOptions.TCP_FASTOPEN,
                    PortSocketOptions.TCP_FASTOPEN_CONNECT, PortSocketOptions.TCP_CORK, PortSocketOptions.TCP_NOTSENT_LOWAT,
                    PortSocketOptions.TCP_DEFER_ACCEPT, PortSocketOptions.IP_FREEBIND, PortSocketOptions.IP_TRANSPARENT,
                    PortSocketOptions.SO_BUSY_POLL, PortSocketOptions.IP_BIND_ADDRESS_NO_PORT, PortSocketOptions.TCP_INFO)) {
                assertFalse(s.supportedOptions().contains(option));
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> s.getOption(option));
                assertTrue(e.getMessage().contains(option.name()) && e.getMessage().contains("nio"), e.getMessage());
            }
            assertThrows(UnsupportedOperationException.class, () -> s.setOption(PortSocketOptions.TCP_USER_TIMEOUT, 1500));
            UnsupportedOperationException cork = assertThrows(UnsupportedOperationException.class,
                    () -> s.setOption(PortSocketOptions.TCP_CORK, true));
            assertTrue(cork.getMessage().startsWith(
                    "socket option TCP_CORK is not supported by the nio backend (java.nio has no way to set it)"), cork.getMessage());
            UnsupportedOperationException info = assertThrows(UnsupportedOperationException.class,
                    () -> s.getOption(PortSocketOptions.TCP_INFO));
            assertTrue(info.getMessage().startsWith(
                    "socket option TCP_INFO is not supported by the nio backend (java.nio has no way to read it)"), info.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.setOption(StandardSocketOptions.IP_TOS, 256));
            assertThrows(IllegalArgumentException.class, () -> s.setOption(StandardSocketOptions.SO_RCVBUF, -1));
            // The contract's round trip, without the three options above.
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
            s.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
        } finally {
            s.close();
        }
    }

    // ---- interest in reading outlives a receive -------------------------------------------------

    @Test
    void aSocketStaysWatchedForReadingBetweenReceivesUntilInputComesThatNothingWaitsFor() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        SocketOperations ops = ((NioSocket) pair.client()).operations;
        long first = port.submitReceive(pair.client(), ByteBuffer.allocateDirect(8));
        long send = port.submitSend(pair.server(), direct(1, 2));
        driver.await(c -> c.id() == first, "the first receive");
        driver.await(c -> c.id() == send, "the send");
        assertEquals(SelectionKey.OP_READ, ops.interest, "kept for the next receive");

        // The next receive is not tried (the socket is watched), and is run by the readiness.
        long second = port.submitReceive(pair.client(), ByteBuffer.allocateDirect(8));
        assertEquals(0, ops.untried);
        long more = port.submitSend(pair.server(), direct(3));
        assertEquals(1, driver.await(c -> c.id() == second, "the second receive").result());
        driver.await(c -> c.id() == more, "the send");

        // Input with no receive waiting is reported once, and then no longer watched for.
        long last = port.submitSend(pair.server(), direct(4, 5, 6));
        driver.await(c -> c.id() == last, "the send");
        for (int i = 0; i < 50 && ops.interest != 0; i++) {
            port.dequeue((k, o, r, f, id) -> driver.seen().add(new Completion(k, o, r, f, id)), 16,
                    TimeUnit.MILLISECONDS.toNanos(20));
        }
        assertEquals(0, ops.interest, "nothing waits for the input");
        // A receive submitted now is tried at once and finds what came.
        ByteBuffer into = ByteBuffer.allocateDirect(8);
        long third = port.submitReceive(pair.client(), into);
        assertEquals(3, driver.await(c -> c.id() == third, "the third receive").result());
        assertEquals(6, into.get(2));
    }

    // ---- lingering closes are known without asking the kernel ----------------------------------

    @Test
    void whetherACloseLingersIsKnownFromTheOptionsSetAndInherited() throws IOException {
        PortSocket lingering = backend().openSocket(StandardProtocolFamily.INET);
        PortSocket quiet = backend().openSocket(StandardProtocolFamily.INET);
        lingering.setOption(StandardSocketOptions.SO_LINGER, 5); // before the channel exists
        quiet.setOption(StandardSocketOptions.SO_LINGER, 0);     // a reset, not a linger
        PortSocket listener = backend().openSocket(StandardProtocolFamily.INET);
        listener.setOption(StandardSocketOptions.SO_LINGER, 3);  // kept for the connections it accepts
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        listener.listen(8);
        port.register(listener, 0);
        port.register(lingering, 1);
        port.register(quiet, 3);
        PortSocket fromLingeringListener = acceptWhileConnecting(listener, lingering);
        PortSocket fromQuiet = acceptWhileConnecting(listener, quiet);
        assertTrue(((NioSocket) lingering).lingersOnClose());
        assertFalse(((NioSocket) quiet).lingersOnClose());
        assertTrue(((NioSocket) fromLingeringListener).lingersOnClose(), "inherited from the listener");
        assertTrue(((NioSocket) fromQuiet).lingersOnClose(), "inherited from the listener");
        assertFalse(((NioSocket) listener).lingersOnClose(), "a listener has no connection to linger on");
        fromQuiet.setOption(StandardSocketOptions.SO_LINGER, -1); // after the channel exists
        assertFalse(((NioSocket) fromQuiet).lingersOnClose());
        quiet.setOption(StandardSocketOptions.SO_LINGER, 7);
        assertTrue(((NioSocket) quiet).lingersOnClose());
        assertEquals(7, quiet.getOption(StandardSocketOptions.SO_LINGER), "what the kernel has");
        assertThrows(IllegalArgumentException.class, () -> quiet.setOption(StandardSocketOptions.SO_LINGER, null));
        assertTrue(((NioSocket) quiet).lingersOnClose(), "a refused value changes nothing");
    }

    // ---- helpers --------------------------------------------------------------------------

    private static <T> void roundTrip(PortSocket socket, SocketOption<T> option, T value) throws IOException {
        socket.setOption(option, value);
        assertEquals(value, socket.getOption(option), option.name());
    }

    private int result(long id) {
        return driver.seen().stream().filter(c -> c.id() == id).findFirst().orElseThrow(
                () -> new AssertionError("no completion for 0x" + Long.toHexString(id) + " in " + driver.seen()))
                .result();
    }

    private static ByteBuffer direct(int... bytes) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        for (int b : bytes) {
            buffer.put((byte) b);
        }
        return buffer.flip();
    }

    private static InetSocketAddress freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return new InetSocketAddress(s.getInetAddress(), s.getLocalPort());
        }
    }
}
