package dev.iocp.port.uring;

import dev.iocp.port.Backend;
import dev.iocp.port.DatagramContract;
import dev.iocp.port.DatagramPortSocket;
import dev.iocp.port.Errno;
import dev.iocp.port.PortConfig;
import dev.iocp.port.PortCounter;
import dev.iocp.port.PortException;
import dev.iocp.port.ShutdownMode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The datagram contract on io_uring: SENDMSG and RECVMSG over each operation's msghdr. */
class IoUringDatagramTest extends DatagramContract {

    @Override
    protected Backend backend() {
        return IoUringBackend.INSTANCE;
    }

    /** The batch is one link chain: the link that fails ends it, and the kernel cancels the rest, unsent. */
    @Test
    void theSendsAfterAFailedOneOfABatchAreCancelledUnsent() throws IOException {
        assertArrayEquals(new int[] {-Errno.ECANCELED, -Errno.ECANCELED}, batchWithATooLargeDatagramInTheMiddle());
    }

    @Test
    void aBatchIsTakenAsFarAsOneChainFitsTheRingAndAFullRingDefersAChainWhole() throws IOException {
        port.close();
        port = backend().openPort(new PortConfig(4, 16));
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        long[] ids = new long[10];
        long backlogged = port.metrics().get(PortCounter.SUBMISSIONS_BACKLOGGED);
        assertEquals(4, port.submitSendsTo(a, batch("a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9"),
                to(b.localAddress(), 10), 10, ids), "a chain reaches the kernel whole: no longer than the ring");
        assertEquals(backlogged, port.metrics().get(PortCounter.SUBMISSIONS_BACKLOGGED), "it fits the empty ring");
        // The ring is full: this chain waits outside it, whole, and reaches the kernel after the first.
        long[] more = new long[3];
        assertEquals(3, port.submitSendsTo(a, batch("b0", "b1", "b2"), to(b.localAddress(), 3), 3, more));
        assertEquals(backlogged + 3, port.metrics().get(PortCounter.SUBMISSIONS_BACKLOGGED),
                "the whole chain waited outside the full ring, none of it in");
        for (long id : new long[] {ids[0], ids[1], ids[2], ids[3], more[0], more[1], more[2]}) {
            assertEquals(2, await(id).completion().result());
        }
        // Each chain in order; two chains are not ordered with each other (a link starts from
        // the kernel's task work, between the requests of other chains).
        List<String> got = receiveUntil(b, "b2");
        while (got.size() < 7) {
            got.addAll(receiveUntil(b, "a3"));
        }
        assertEquals(List.of("a0", "a1", "a2", "a3"), got.stream().filter(t -> t.startsWith("a")).toList());
        assertEquals(List.of("b0", "b1", "b2"), got.stream().filter(t -> t.startsWith("b")).toList());
        assertEquals(0, port.pendingOperations());
    }

    /**
     * What stops a chain (see DatagramSubmissions): Linux shuts the sending side of an unconnected
     * UDP socket although shutdown(2) answers ENOTCONN, and a send started after it fails at once
     * with EPIPE, which ends the chain there.
     */
    @Test
    void aShutSendingSideFailsEachSendThatStartsAfterItAndSoEndsAChain() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        PortException notConnected = assertThrows(PortException.class, () -> a.shutdown(ShutdownMode.OUTPUT));
        assertEquals(Errno.ENOTCONN, notConnected.errno());
        assertEquals(-Errno.EPIPE, await(port.submitSendTo(a, datagram("x"), b.localAddress())).completion().result());
        long[] ids = new long[3];
        assertEquals(3, port.submitSendsTo(a, batch("c0", "c1", "c2"), to(b.localAddress(), 3), 3, ids));
        assertEquals(-Errno.EPIPE, await(ids[0]).completion().result());
        assertEquals(-Errno.ECANCELED, await(ids[1]).completion().result());
        assertEquals(-Errno.ECANCELED, await(ids[2]).completion().result());
        long receive = port.submitReceiveFrom(b, ByteBuffer.allocateDirect(8));
        assertEquals(2, await(port.submitSendTo(b, datagram("ok"), a.localAddress())).completion().result());
        assertEquals(2, await(port.submitReceiveFrom(a, ByteBuffer.allocateDirect(8))).completion().result(),
                "only the sending side is shut");
        port.submitCancel(b, receive);
        assertEquals(-Errno.ECANCELED, await(receive).completion().result(), "b received nothing");
    }

    /**
     * A close right after a batch, before the loop's next io_uring_enter: the close shuts the
     * sending side at once, so no send of the chain goes. Without that, the close's cancellation
     * finds none of the links waiting for their turn, and the whole chain is sent.
     */
    @Test
    void aSocketClosedRightAfterABatchSendsNoneOfIt() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        long[] ids = new long[8];
        assertEquals(8, port.submitSendsTo(a, batch("s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"),
                to(b.localAddress(), 8), 8, ids));
        assertEquals(0, await(port.submitClose(a)).completion().result());
        assertEquals(0, assertSentThenStopped(ids, 8), "none sent");
        assertEquals(-Errno.EPIPE, await(ids[0]).completion().result(), "the first fails, and ends the chain");
    }

    @Test
    void aBatchWithAHeapBufferIsRefusedWhole() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        ByteBuffer[] buffers = {datagram("x"), ByteBuffer.wrap(new byte[] {'y'})};
        IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
                () -> port.submitSendsTo(a, buffers, to(a.localAddress(), 2), 2, new long[2]));
        assertTrue(heap.getMessage().contains("got buffers[1]"), heap.getMessage());
        assertEquals(0, port.pendingOperations());
    }

    /** sendmsg(2) takes a target other than a connected socket's peer (java.nio would refuse it). */
    @Test
    void aConnectedSocketSendsToAnotherAddressWhenNamed() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        DatagramPortSocket c = bound(StandardProtocolFamily.INET, LOOPBACK4, 3);
        a.connect(b.localAddress());
        long receive = port.submitReceiveFrom(c, ByteBuffer.allocateDirect(8));
        assertEquals(1, await(port.submitSendTo(a, datagram("x"), c.localAddress())).completion().result());
        assertEquals(1, await(receive).completion().result());
    }
}
