package dev.iocp.port;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Datagram sockets as every backend must run them: {@link CompletionPort#submitSendTo} and
 * {@link CompletionPort#submitReceiveFrom} move one whole datagram each, a receive learns its
 * sender, a datagram too large for the buffer is cut and says so, a connected socket hears of
 * an ICMP port-unreachable, and closing a socket with receives in flight ends them all. A
 * backend's test extends this and names the backend.
 */
public abstract class DatagramContract extends PortFixture {
    protected static final InetAddress LOOPBACK4 = InetAddress.getLoopbackAddress();

    /** What a dequeue delivered, with the sender of each successful receive as the handler saw it. */
    private final Map<Long, Received> done = new HashMap<>();

    protected record Received(Completion completion, InetSocketAddress sender) {
    }

    // ---- sockets ----------------------------------------------------------------------------

    protected DatagramPortSocket bound(StandardProtocolFamily family, InetAddress address, long key) throws IOException {
        DatagramPortSocket socket = backend().openDatagramSocket(family);
        socket.bind(new InetSocketAddress(address, 0));
        port.register(socket, key);
        return socket;
    }

    protected static ByteBuffer datagram(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    private static String text(ByteBuffer buffer, int length) {
        byte[] bytes = new byte[length];
        buffer.get(buffer.position(), bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** Dequeues until operation {@code id} has completed; returns its completion and sender. */
    protected Received await(long id) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.containsKey(id)) {
            if (System.nanoTime() > deadline) {
                fail("operation 0x" + Long.toHexString(id) + " did not complete; saw " + done.values());
            }
            port.dequeue((key, operation, result, flags, opId) -> {
                InetSocketAddress sender = operation == Operation.RECEIVE && result >= 0 ? port.receivedFrom() : null;
                done.put(opId, new Received(new Completion(key, operation, result, flags, opId), sender));
            }, 64, TimeUnit.MILLISECONDS.toNanos(100));
        }
        return done.get(id);
    }

    private Received sendAndReceive(DatagramPortSocket from, DatagramPortSocket to, InetSocketAddress target,
                                    String text, ByteBuffer into) throws IOException {
        long receive = port.submitReceiveFrom(to, into);
        long send = port.submitSendTo(from, datagram(text), target);
        assertEquals(text.length(), await(send).completion().result(), "sent whole");
        return await(receive);
    }

    // ---- unicast ----------------------------------------------------------------------------

    @Test
    void aDatagramSentToAnAddressArrivesWithItsSender() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        ByteBuffer into = ByteBuffer.allocateDirect(64);
        Received received = sendAndReceive(a, b, b.localAddress(), "hello", into);
        assertEquals(Operation.RECEIVE, received.completion().operation());
        assertEquals(2, received.completion().key());
        assertEquals(5, received.completion().result());
        assertEquals(0, received.completion().flags() & CompletionFlags.TRUNCATED);
        assertEquals("hello", text(into, 5));
        assertEquals(0, into.position(), "the port does not move the buffer's position");
        assertEquals(a.localAddress(), received.sender());
    }

    @Test
    void ipv6DatagramsCarryIpv6Senders() throws IOException {
        InetAddress loopback6 = InetAddress.getByName("::1");
        DatagramPortSocket a = bound(StandardProtocolFamily.INET6, loopback6, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET6, loopback6, 2);
        Received received = sendAndReceive(a, b, b.localAddress(), "six", ByteBuffer.allocateDirect(16));
        assertEquals(3, received.completion().result());
        assertInstanceOf(Inet6Address.class, received.sender().getAddress());
        assertEquals(a.localAddress(), received.sender());
    }

    @Test
    void aDualStackSocketSeesAnIpv4SenderAsAnIpv4Address() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET6, InetAddress.getByName("0.0.0.0"), 2);
        InetSocketAddress target = new InetSocketAddress(LOOPBACK4, b.localAddress().getPort());
        Received received = sendAndReceive(a, b, target, "mapped", ByteBuffer.allocateDirect(16));
        assertInstanceOf(Inet4Address.class, received.sender().getAddress());
        assertEquals(a.localAddress(), received.sender());
    }

    @Test
    void anEmptyDatagramIsReceivedAsZeroBytesNotAsAnEnd() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        Received received = sendAndReceive(a, b, b.localAddress(), "", ByteBuffer.allocateDirect(16));
        assertEquals(0, received.completion().result());
        assertEquals(0, received.completion().flags() & CompletionFlags.TRUNCATED);
        assertEquals(a.localAddress(), received.sender());
    }

    @Test
    void aDatagramLargerThanTheBufferIsCutAndFlaggedTruncated() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        ByteBuffer into = ByteBuffer.allocateDirect(4);
        Received received = sendAndReceive(a, b, b.localAddress(), "truncated", into);
        assertEquals(4, received.completion().result(), "the bytes that fit");
        assertEquals(CompletionFlags.TRUNCATED, received.completion().flags() & CompletionFlags.TRUNCATED);
        assertEquals("trun", text(into, 4));
        // The rest is gone: the next receive gets the next datagram.
        ByteBuffer next = ByteBuffer.allocateDirect(16);
        assertEquals(4, sendAndReceive(a, b, b.localAddress(), "next", next).completion().result());
        assertEquals("next", text(next, 4));
    }

    @Test
    void severalReceivesInFlightEachTakeOneDatagram() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        int count = 8;
        List<Long> receives = new ArrayList<>();
        List<ByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(16);
            buffers.add(buffer);
            receives.add(port.submitReceiveFrom(b, buffer));
        }
        assertEquals(count, b.pendingOperations());
        List<Long> sends = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sends.add(port.submitSendTo(a, datagram("d" + i), b.localAddress())); // submitted together
        }
        for (long send : sends) {
            assertEquals(2, await(send).completion().result());
        }
        Set<String> got = new HashSet<>();
        for (int i = 0; i < count; i++) {
            Received received = await(receives.get(i));
            assertEquals(2, received.completion().result());
            got.add(text(buffers.get(i), 2));
        }
        assertEquals(Set.of("d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7"), got, "each datagram once");
    }

    @Test
    void receivesWaitingTogetherOnOneSocketNeverCompleteWithoutADatagram() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        int waiting = 4;
        Map<Long, ByteBuffer> receives = new HashMap<>();
        for (int i = 0; i < waiting; i++) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(16);
            receives.put(port.submitReceiveFrom(b, buffer), buffer);
        }
        // One datagram at a time: each wakes every waiting receive, and all but one find nothing.
        for (int i = 0; i < 400; i++) {
            await(port.submitSendTo(a, datagram("d" + i), b.localAddress()));
            long completed = -1;
            while (completed < 0) {
                for (long id : receives.keySet()) {
                    if (done.containsKey(id)) {
                        completed = id;
                    }
                }
                if (completed < 0) {
                    port.dequeue((key, operation, result, flags, id) ->
                            done.put(id, new Received(new Completion(key, operation, result, flags, id), null)),
                            64, TimeUnit.MILLISECONDS.toNanos(100));
                }
            }
            Received received = done.remove(completed);
            assertEquals(1 + String.valueOf(i).length(), received.completion().result(),
                    () -> "datagram " + received.completion());
            ByteBuffer buffer = receives.remove(completed);
            receives.put(port.submitReceiveFrom(b, buffer), buffer);
        }
        assertEquals(waiting, b.pendingOperations());
    }

    // ---- connected --------------------------------------------------------------------------

    @Test
    void aConnectedSocketSendsToItsPeerWithoutATarget() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        a.connect(b.localAddress());
        assertEquals(b.localAddress(), a.remoteAddress());
        ByteBuffer into = ByteBuffer.allocateDirect(16);
        Received received = sendAndReceive(a, b, null, "peer", into);
        assertEquals("peer", text(into, 4));
        assertEquals(a.localAddress(), received.sender());
    }

    @Test
    void aConnectedSocketReceivesOnlyFromItsPeer() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        DatagramPortSocket stranger = bound(StandardProtocolFamily.INET, LOOPBACK4, 3);
        b.connect(a.localAddress());
        ByteBuffer into = ByteBuffer.allocateDirect(16);
        long receive = port.submitReceiveFrom(b, into);
        assertEquals(5, await(port.submitSendTo(stranger, datagram("noise"), b.localAddress())).completion().result());
        assertEquals(6, await(port.submitSendTo(a, datagram("signal"), b.localAddress())).completion().result());
        Received received = await(receive);
        assertEquals("signal", text(into, 6), "the stranger's datagram was dropped");
        assertEquals(a.localAddress(), received.sender());
    }

    @Test
    void aDisconnectedSocketNeedsATargetAgain() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        a.connect(b.localAddress());
        a.disconnect();
        assertNull(a.remoteAddress());
        long send = port.submitSendTo(a, datagram("lost"), null);
        assertEquals(-Errno.EDESTADDRREQ, await(send).completion().result());
    }

    @Test
    void aDisconnectedSocketKeepsItsPortAndReceivesOnIt() throws IOException {
        // Linux's disconnect unbinds a socket whose port the kernel chose (bind to port 0, or
        // connect's own bind); the JDK binds it again to that port, and so do the backends.
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        DatagramPortSocket boundFirst = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket connectBinds = backend().openDatagramSocket(StandardProtocolFamily.INET);
        port.register(connectBinds, 3);
        for (DatagramPortSocket a : List.of(boundFirst, connectBinds)) {
            a.connect(b.localAddress());
            InetSocketAddress connected = a.localAddress();
            a.disconnect();
            InetSocketAddress disconnected = a.localAddress();
            assertNotNull(disconnected, "still bound");
            assertEquals(connected.getPort(), disconnected.getPort());
            ByteBuffer into = ByteBuffer.allocateDirect(16);
            Received received = sendAndReceive(b, a, new InetSocketAddress(LOOPBACK4, connected.getPort()), "again", into);
            assertEquals("again", text(into, 5));
            assertEquals(b.localAddress(), received.sender());
        }
        assertEquals(new InetSocketAddress(LOOPBACK4, boundFirst.localAddress().getPort()), boundFirst.localAddress(),
                "a bound address stays");
    }

    @Test
    void aConnectedSocketHearsOfAnIcmpPortUnreachable() throws IOException {
        DatagramPortSocket gone = backend().openDatagramSocket(StandardProtocolFamily.INET);
        gone.bind(new InetSocketAddress(LOOPBACK4, 0));
        InetSocketAddress nobody = gone.localAddress();
        gone.close(); // nobody listens there now: the host answers with ICMP port unreachable
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        a.connect(nobody);
        long receive = port.submitReceiveFrom(a, ByteBuffer.allocateDirect(16));
        assertEquals(5, await(port.submitSendTo(a, datagram("knock"), null)).completion().result());
        assertEquals(-Errno.ECONNREFUSED, await(receive).completion().result());
    }

    // ---- batches ----------------------------------------------------------------------------

    /** Receives on {@code socket}, one at a time, until {@code last} arrives; returns the texts in arrival order. */
    protected List<String> receiveUntil(DatagramPortSocket socket, String last) throws IOException {
        List<String> got = new ArrayList<>();
        ByteBuffer into = ByteBuffer.allocateDirect(64);
        while (got.isEmpty() || !got.getLast().equals(last)) {
            Received received = await(port.submitReceiveFrom(socket, into));
            got.add(text(into, received.completion().result()));
        }
        return got;
    }

    /** A batch of datagrams (see {@link #datagram}), all to {@code target}; a text of "BIG" is a datagram too large to send. */
    protected static ByteBuffer[] batch(String... texts) {
        ByteBuffer[] buffers = new ByteBuffer[texts.length];
        for (int i = 0; i < texts.length; i++) {
            buffers[i] = texts[i].equals("BIG") ? ByteBuffer.allocateDirect(70_000) : datagram(texts[i]);
        }
        return buffers;
    }

    protected static InetSocketAddress[] to(InetSocketAddress target, int count) {
        InetSocketAddress[] targets = new InetSocketAddress[count];
        java.util.Arrays.fill(targets, target);
        return targets;
    }

    @Test
    void aBatchOfSendsLeavesInOrderEachAnOperationOfItsOwn() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        DatagramPortSocket c = bound(StandardProtocolFamily.INET, LOOPBACK4, 3);
        int count = 40;
        String[] texts = new String[count];
        InetSocketAddress[] targets = new InetSocketAddress[count];
        for (int i = 0; i < count; i++) {
            texts[i] = "d" + i;
            targets[i] = i % 4 == 3 ? c.localAddress() : b.localAddress();
        }
        long[] ids = new long[count + 2]; // longer arrays are fine: count says how many
        assertEquals(count, port.submitSendsTo(a, batch(texts), targets, count, ids), "the whole batch taken");
        assertEquals(count, a.pendingOperations());
        Set<Long> distinct = new HashSet<>();
        for (int i = 0; i < count; i++) {
            assertTrue(ids[i] != 0 && distinct.add(ids[i]), "an id of its own");
            Completion sent = await(ids[i]).completion();
            assertEquals(Operation.SEND, sent.operation());
            assertEquals(1, sent.key());
            assertEquals(texts[i].length(), sent.result(), texts[i]);
        }
        assertEquals(0, ids[count], "nothing written past count");
        List<String> toB = new ArrayList<>();
        List<String> toC = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            (i % 4 == 3 ? toC : toB).add(texts[i]);
        }
        assertEquals(toB, receiveUntil(b, toB.getLast()));
        assertEquals(toC, receiveUntil(c, toC.getLast()));
        assertEquals(0, port.pendingOperations());
    }

    /**
     * A send that fails ends the batch on io_uring (those after it cancelled, unsent) and not on
     * nio; either way nothing after it leaves before it, and each send completes once.
     */
    @Test
    void aBatchWithASendThatFailsNeverSendsOutOfOrderAndCompletesEachOnce() throws IOException {
        batchWithATooLargeDatagramInTheMiddle();
    }

    /**
     * Sends the batch d0, d1, a datagram too large (EMSGSIZE), d3, d4, and checks what every
     * backend keeps: d0 and d1 sent, the large one failed, d3 and d4 each sent or cancelled (and
     * once cancelled, the rest too), and the receiver gets exactly those sent, in order.
     *
     * @return the results of d3 and d4
     */
    protected int[] batchWithATooLargeDatagramInTheMiddle() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        String[] texts = {"d0", "d1", "BIG", "d3", "d4"};
        long[] ids = new long[texts.length];
        assertEquals(texts.length, port.submitSendsTo(a, batch(texts), to(b.localAddress(), texts.length),
                texts.length, ids));
        assertEquals(2, await(ids[0]).completion().result());
        assertEquals(2, await(ids[1]).completion().result());
        assertEquals(-Errno.EMSGSIZE, await(ids[2]).completion().result());
        List<String> sent = new ArrayList<>(List.of("d0", "d1"));
        int[] after = new int[2];
        boolean ended = false;
        for (int i = 3; i < texts.length; i++) {
            int result = await(ids[i]).completion().result();
            after[i - 3] = result;
            if (result == -Errno.ECANCELED) {
                ended = true;
            } else {
                assertFalse(ended, "a batch once ended stays ended");
                assertEquals(2, result);
                sent.add(texts[i]);
            }
        }
        assertEquals(2, await(port.submitSendTo(a, datagram("e!"), b.localAddress())).completion().result());
        sent.add("e!");
        assertEquals(sent, receiveUntil(b, "e!"), "those sent, in order, and no other");
        assertEquals(0, port.pendingOperations());
        return after;
    }

    @Test
    void aBatchIsRefusedWholeWhenOneOfItsSendsWouldBe() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        PortSocket stream = open(StandardProtocolFamily.INET, 3);
        InetSocketAddress b = new InetSocketAddress(LOOPBACK4, 9);
        ByteBuffer[] buffers = batch("x", "y", "z");
        long[] ids = new long[3];
        InetSocketAddress[] targets = {b, b, InetSocketAddress.createUnresolved("example.invalid", 9)};
        IllegalArgumentException unresolved = assertThrows(IllegalArgumentException.class,
                () -> port.submitSendsTo(a, buffers, targets, 3, ids));
        assertTrue(unresolved.getMessage().startsWith("targets[2]: unresolved address"), unresolved.getMessage());
        InetSocketAddress[] six = {b, new InetSocketAddress(InetAddress.getByName("::1"), 9), b};
        IllegalArgumentException family = assertThrows(IllegalArgumentException.class,
                () -> port.submitSendsTo(a, buffers, six, 3, ids));
        assertTrue(family.getMessage().startsWith("targets[1]: cannot reach the IPv6 address"), family.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> port.submitSendsTo(a, buffers, to(b, 3), 0, ids));
        assertEquals("a batch of sends takes 1 or more datagrams, not 0", empty.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> port.submitSendsTo(a, buffers, to(b, 3), 3, new long[2]));
        assertThrows(IndexOutOfBoundsException.class, () -> port.submitSendsTo(a, buffers, to(b, 2), 3, ids));
        NullPointerException missing = assertThrows(NullPointerException.class,
                () -> port.submitSendsTo(a, new ByteBuffer[] {datagram("x"), null}, to(b, 2), 2, ids));
        assertEquals("buffers[1]", missing.getMessage());
        assertThrows(NullPointerException.class, () -> port.submitSendsTo(a, null, to(b, 1), 1, ids));
        assertThrows(NullPointerException.class, () -> port.submitSendsTo(a, buffers, null, 1, ids));
        assertThrows(NullPointerException.class, () -> port.submitSendsTo(a, buffers, to(b, 1), 1, null));
        IllegalArgumentException onStream = assertThrows(IllegalArgumentException.class,
                () -> port.submitSendsTo(stream, buffers, to(b, 3), 3, ids));
        assertTrue(onStream.getMessage().startsWith("datagrams are sent and received on a DatagramPortSocket"),
                onStream.getMessage());
        assertEquals(0, port.pendingOperations(), "refusals leave nothing behind");
        assertArrayEquals(new long[3], ids, "no id handed out");
    }

    @Test
    void closingASocketRightAfterABatchCompletesEveryOneOfItsSendsBeforeTheClose() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        int count = 16;
        long[] ids = new long[count];
        String[] texts = new String[count];
        java.util.Arrays.setAll(texts, i -> "c" + i);
        int taken = port.submitSendsTo(a, batch(texts), to(b.localAddress(), count), count, ids);
        long close = port.submitClose(a);
        assertEquals(0, await(close).completion().result());
        assertSentThenStopped(ids, taken);
        assertEquals(0, port.pendingOperations(), "no slot left behind");
    }

    /**
     * Each of the first {@code count} sends completed before the close: sent, or stopped by it
     * (cancelled, or failed with EPIPE where it started after the close shut the sending side),
     * and none sent after one the close stopped.
     *
     * @return how many were sent
     */
    protected int assertSentThenStopped(long[] ids, int count) {
        int sent = 0;
        for (int i = 0; i < count; i++) {
            assertTrue(done.containsKey(ids[i]), "completed before the close");
            int result = done.get(ids[i]).completion().result();
            if (result >= 0) {
                assertTrue(result == 2 || result == 3, "the whole datagram: " + result);
                assertEquals(i, sent, "none sent after one the close stopped");
                sent++;
            } else {
                assertTrue(result == -Errno.ECANCELED || result == -Errno.EPIPE, "sent or stopped: " + result);
            }
        }
        return sent;
    }

    // ---- close ------------------------------------------------------------------------------

    @Test
    void closingASocketWithReceivesInFlightEndsThemAllAndFreesTheirSlots() throws IOException {
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        List<Long> receives = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            receives.add(port.submitReceiveFrom(b, ByteBuffer.allocateDirect(16)));
        }
        long close = port.submitClose(b);
        Received closed = await(close);
        assertEquals(0, closed.completion().result());
        for (long receive : receives) {
            assertTrue(done.containsKey(receive), "completed before the close");
            assertEquals(-Errno.ECANCELED, done.get(receive).completion().result());
        }
        assertFalse(b.isOpen());
        assertEquals(0, port.pendingOperations(), "no slot left behind");
    }

    @Test
    void aCancelledReceiveCompletesAsCancelledAndTheSocketReceivesOn() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        long receive = port.submitReceiveFrom(b, ByteBuffer.allocateDirect(16));
        long cancel = port.submitCancel(b, receive);
        assertEquals(-Errno.ECANCELED, await(receive).completion().result());
        assertEquals(0, await(cancel).completion().result());
        ByteBuffer into = ByteBuffer.allocateDirect(16);
        assertEquals(5, sendAndReceive(a, b, b.localAddress(), "after", into).completion().result());
        assertEquals(0, port.pendingOperations());
    }

    // ---- refusals ---------------------------------------------------------------------------

    @Test
    void datagramOperationsAreRefusedOnAStreamSocketAndConnectOperationsOnADatagramSocket() throws IOException {
        PortSocket stream = open(StandardProtocolFamily.INET, 1);
        DatagramPortSocket datagram = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        IllegalArgumentException send = assertThrows(IllegalArgumentException.class,
                () -> port.submitSendTo(stream, datagram("x"), datagram.localAddress()));
        assertTrue(send.getMessage().startsWith("datagrams are sent and received on a DatagramPortSocket"),
                send.getMessage());
        assertThrows(IllegalArgumentException.class, () -> port.submitReceiveFrom(stream, ByteBuffer.allocateDirect(1)));
        IllegalArgumentException connect = assertThrows(IllegalArgumentException.class,
                () -> port.submitConnect(datagram, datagram.localAddress()));
        assertTrue(connect.getMessage().startsWith("a datagram socket connects with DatagramPortSocket.connect"),
                connect.getMessage());
        assertThrows(IllegalArgumentException.class, () -> port.submitSendTo(datagram, datagram("x"),
                new InetSocketAddress(InetAddress.getByName("::1"), 9)), "IPv6 target on an INET socket");
        assertThrows(IllegalArgumentException.class, () -> port.submitSendTo(datagram, datagram("x"),
                InetSocketAddress.createUnresolved("example.invalid", 9)));
        assertThrows(IllegalArgumentException.class,
                () -> port.submitReceiveFrom(datagram, ByteBuffer.allocateDirect(4).asReadOnlyBuffer()));
        assertThrows(IllegalStateException.class, () -> port.receivedFrom(), "outside a handler");
        assertEquals(0, port.pendingOperations(), "refusals leave nothing behind");
        assertThrows(PortException.class, () -> datagram.listen(1));
    }

    @Test
    void streamOperationsAreRefusedOnADatagramSocket() throws IOException {
        DatagramPortSocket datagram = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        ByteBuffer buffer = ByteBuffer.allocateDirect(8);
        List<Executable> refused = new java.util.ArrayList<>(List.of(
                () -> port.submitAccept(datagram),
                () -> port.submitReceive(datagram, buffer),
                () -> port.submitReceiveStream(datagram),
                () -> port.submitSend(datagram, buffer),
                () -> port.submitSend(datagram, new ByteBuffer[] {buffer, buffer}, 0, 2),
                () -> port.submitShutdown(datagram, ShutdownMode.BOTH)));
        if (port.watchesPeerClosure()) {
            refused.add(() -> port.submitPeerClosureWatch(datagram));
        }
        for (Executable submission : refused) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, submission);
            assertTrue(e.getMessage().startsWith("a datagram socket sends and receives with submitSendTo"),
                    e.getMessage());
        }
        assertEquals(0, port.pendingOperations(), "refusals leave nothing behind");
    }

    // ---- options and multicast --------------------------------------------------------------

    @Test
    void datagramOptionsReadBackWhatWasSet() throws IOException {
        for (StandardProtocolFamily family : List.of(StandardProtocolFamily.INET, StandardProtocolFamily.INET6)) {
            DatagramPortSocket socket = backend().openDatagramSocket(family);
            try {
                socket.setOption(StandardSocketOptions.SO_BROADCAST, true);
                assertTrue(socket.getOption(StandardSocketOptions.SO_BROADCAST), family::toString);
                socket.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 7);
                assertEquals(7, socket.getOption(StandardSocketOptions.IP_MULTICAST_TTL), family::toString);
                socket.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, false);
                assertFalse(socket.getOption(StandardSocketOptions.IP_MULTICAST_LOOP), family::toString);
                NetworkInterface lo = NetworkInterface.getByInetAddress(LOOPBACK4);
                socket.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
                assertEquals(lo, socket.getOption(StandardSocketOptions.IP_MULTICAST_IF), family::toString);
                assertTrue(socket.supportedOptions().contains(StandardSocketOptions.SO_BROADCAST));
                assertThrows(UnsupportedOperationException.class,
                        () -> socket.setOption(StandardSocketOptions.TCP_NODELAY, true));
            } finally {
                socket.close();
            }
        }
    }

    @Test
    void aJoinedGroupReceivesWhatIsSentToItOverLoopback() throws IOException {
        NetworkInterface lo = NetworkInterface.getByInetAddress(LOOPBACK4);
        InetAddress group = InetAddress.getByName("239.255.10.11");
        DatagramPortSocket member = bound(StandardProtocolFamily.INET, InetAddress.getByName("0.0.0.0"), 2);
        member.joinGroup(group, lo, null);
        DatagramPortSocket sender = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        sender.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
        sender.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
        InetSocketAddress target = new InetSocketAddress(group, member.localAddress().getPort());
        ByteBuffer into = ByteBuffer.allocateDirect(16);
        Received received = sendAndReceive(sender, member, target, "group", into);
        assertEquals("group", text(into, 5));
        assertEquals(sender.localAddress().getPort(), received.sender().getPort());
        member.leaveGroup(group, lo, null);
        assertThrows(PortException.class, () -> member.leaveGroup(group, lo, null), "not a member any more");
    }

    @Test
    void aDualStackSocketJoinsAnIpv4Group() throws IOException {
        NetworkInterface lo = NetworkInterface.getByInetAddress(LOOPBACK4);
        InetAddress group = InetAddress.getByName("239.255.10.12");
        DatagramPortSocket member = bound(StandardProtocolFamily.INET6, InetAddress.getByName("0.0.0.0"), 2);
        member.joinGroup(group, lo, null);
        DatagramPortSocket sender = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        sender.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
        InetSocketAddress target = new InetSocketAddress(group, member.localAddress().getPort());
        ByteBuffer into = ByteBuffer.allocateDirect(16);
        Received received = sendAndReceive(sender, member, target, "mixed", into);
        assertEquals("mixed", text(into, 5));
        assertInstanceOf(Inet4Address.class, received.sender().getAddress());
        member.leaveGroup(group, lo, null);
    }

    @Test
    void aSourceSpecificMembershipReceivesFromItsSource() throws IOException {
        NetworkInterface lo = NetworkInterface.getByInetAddress(LOOPBACK4);
        InetAddress group = InetAddress.getByName("232.1.2.3"); // the source-specific range (RFC 4607)
        DatagramPortSocket member = bound(StandardProtocolFamily.INET, InetAddress.getByName("0.0.0.0"), 2);
        member.joinGroup(group, lo, LOOPBACK4);
        DatagramPortSocket sender = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        sender.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
        InetSocketAddress target = new InetSocketAddress(group, member.localAddress().getPort());
        ByteBuffer into = ByteBuffer.allocateDirect(16);
        sendAndReceive(sender, member, target, "source", into);
        assertEquals("source", text(into, 6));
        member.leaveGroup(group, lo, LOOPBACK4);
    }

    @Test
    void membershipsRefuseWhatIsNotAMulticastGroup() throws IOException {
        NetworkInterface lo = NetworkInterface.getByInetAddress(LOOPBACK4);
        DatagramPortSocket socket = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        IllegalArgumentException unicast = assertThrows(IllegalArgumentException.class,
                () -> socket.joinGroup(LOOPBACK4, lo, null));
        assertEquals("127.0.0.1 is not a multicast address", unicast.getMessage());
        assertThrows(NullPointerException.class, () -> socket.joinGroup(InetAddress.getByName("239.1.1.1"), null, null));
    }
}
