package dev.iocp.port;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The peer-closure watch ({@link CompletionPort#submitPeerClosureWatch}) as every backend must
 * show it: where the port {@linkplain CompletionPort#watchesPeerClosure() watches}, it completes
 * with 0 once the peer's FIN or reset is in and never for data alone, takes none of the data, and
 * leaves nothing behind when cancelled or closed; where it does not, the submission is refused
 * and holds nothing. A backend's test extends this, names the backend and says which it is.
 */
public abstract class PeerClosureWatchContract extends PortFixture {

    // ---- ports that watch ---------------------------------------------------------------

    @Test
    void dataAloneDoesNotCompleteTheWatchButTheFinDoesAndTheDataIsStillThere() throws IOException {
        assumeTrue(port.watchesPeerClosure(), "this port does not watch for the peer's closure");
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        long watch = port.submitPeerClosureWatch(pair.client());
        send(pair.server(), 1, 2, 3);
        // The bytes are at the client (a receive got them) and a no-op went round the port after:
        // a watch that data completes would have completed by then.
        ByteBuffer first = ByteBuffer.allocateDirect(3);
        long receive = port.submitReceive(pair.client(), first);
        assertEquals(3, driver.await(c -> c.id() == receive, "the data").result());
        long nop = port.submitNop(7);
        driver.await(c -> c.id() == nop, "a no-op after the data");
        assertFalse(completed(watch), () -> "data completed the watch: " + driver.seen());
        assertEquals(1, pair.client().pendingOperations(), "the watch is still armed");

        send(pair.server(), 4, 5);
        long shutdown = port.submitShutdown(pair.server(), ShutdownMode.OUTPUT);
        driver.await(c -> c.id() == shutdown, "the peer's shutdown");
        Completion fired = driver.await(c -> c.id() == watch, "the watch");
        assertEquals(new Completion(1, Operation.PEER_CLOSED, 0, 0, watch), fired);
        assertEquals(0, pair.client().pendingOperations(), "the watch has ended");

        // The watch took nothing: the data sent before the FIN is read, then the end of input.
        assertEquals(List.of((byte) 4, (byte) 5), receiveAll(pair.client()));
    }

    @Test
    void aWatchArmedAfterTheFinCompletesAtOnceAndTheDataBeforeItIsNotLost() throws IOException {
        assumeTrue(port.watchesPeerClosure(), "this port does not watch for the peer's closure");
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        send(pair.server(), 9, 8, 7);
        long shutdown = port.submitShutdown(pair.server(), ShutdownMode.OUTPUT);
        driver.await(c -> c.id() == shutdown, "the peer's shutdown");
        // The FIN is sent once the shutdown completes; on loopback it is in the client's queue
        // by the time a watch armed now is checked, or it wakes the watch when it lands.
        long watch = port.submitPeerClosureWatch(pair.client());
        assertEquals(0, driver.await(c -> c.id() == watch, "the watch").result());
        assertEquals(List.of((byte) 9, (byte) 8, (byte) 7), receiveAll(pair.client()));
    }

    @Test
    void aResetCompletesTheWatchAndTheReceiveReportsIt() throws IOException {
        assumeTrue(port.watchesPeerClosure(), "this port does not watch for the peer's closure");
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        long watch = port.submitPeerClosureWatch(pair.client());
        pair.server().setOption(StandardSocketOptions.SO_LINGER, 0); // its close sends RST
        port.submitClose(pair.server());
        assertEquals(0, driver.await(c -> c.id() == watch, "the watch").result());
        long receive = port.submitReceive(pair.client(), ByteBuffer.allocateDirect(16));
        int result = driver.await(c -> c.id() == receive, "the receive").result();
        assertTrue(result == -Errno.ECONNRESET || result == 0, () -> "the reset, or the end: " + Errno.describe(result));
    }

    @Test
    void aCancelledWatchCompletesWithEcanceledAndHoldsNothing() throws IOException {
        assumeTrue(port.watchesPeerClosure(), "this port does not watch for the peer's closure");
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        long watch = port.submitPeerClosureWatch(pair.client());
        long cancel = port.submitCancel(pair.client(), watch);
        driver.awaitUntil(all -> all.stream().anyMatch(c -> c.id() == watch)
                && all.stream().anyMatch(c -> c.id() == cancel), "the watch and its cancel");
        assertEquals(-Errno.ECANCELED, find(watch).result());
        assertEquals(Operation.PEER_CLOSED, find(watch).operation());
        assertEquals(0, find(cancel).result(), "the cancel found the watch");
        assertEquals(0, pair.client().pendingOperations());
        assertEquals(0, port.pendingOperations(), "no operation slot is left");
    }

    @Test
    void closingTheSocketEndsItsWatchBeforeTheCloseCompletes() throws IOException {
        assumeTrue(port.watchesPeerClosure(), "this port does not watch for the peer's closure");
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        long watch = port.submitPeerClosureWatch(pair.client());
        long close = port.submitClose(pair.client());
        driver.await(c -> c.id() == close, "the close");
        List<Completion> all = driver.seen();
        int watchAt = all.indexOf(find(watch));
        assertTrue(watchAt >= 0 && watchAt < all.indexOf(find(close)), () -> "the watch ends first: " + all);
        assertEquals(-Errno.ECANCELED, find(watch).result());
        assertEquals(0, port.pendingOperations(), "no operation slot is left");
    }

    @Test
    void theWatchMayBeArmedBesideAStreamReceive() throws IOException {
        assumeTrue(port.watchesPeerClosure(), "this port does not watch for the peer's closure");
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        long stream = port.submitReceiveStream(pair.client());
        long watch = port.submitPeerClosureWatch(pair.client());
        port.submitShutdown(pair.server(), ShutdownMode.OUTPUT);
        driver.awaitUntil(all -> all.stream().anyMatch(c -> c.id() == watch)
                && all.stream().anyMatch(c -> c.id() == stream), "the watch and the stream's end");
        assertEquals(0, find(watch).result());
        assertEquals(0, find(stream).result(), "the stream ends with the end of input");
        assertEquals(0, port.pendingOperations());
    }

    @Test
    void closingThePortWithAWatchArmedDrainsIt() throws IOException {
        assumeTrue(port.watchesPeerClosure(), "this port does not watch for the peer's closure");
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        port.submitPeerClosureWatch(pair.client());
        port.submitPeerClosureWatch(pair.server());
        assertEquals(2, port.pendingOperations());
        port.close();
        assertEquals(0, port.pendingOperations(), "the watches were cancelled and their completions drained");
        assertFalse(pair.client().isOpen());
    }

    // ---- ports that do not ----------------------------------------------------------------

    @Test
    void aPortThatCannotWatchRefusesTheWatchAndHoldsNothing() throws IOException {
        assumeFalse(port.watchesPeerClosure(), "this port watches for the peer's closure");
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        UnsupportedOperationException refused = assertThrows(UnsupportedOperationException.class,
                () -> port.submitPeerClosureWatch(pair.client()));
        assertTrue(refused.getMessage().contains("cannot watch for the peer's closure"), refused::getMessage);
        assertEquals(0, pair.client().pendingOperations());
        assertEquals(0, port.pendingOperations());
    }

    // ---- helpers ----------------------------------------------------------------------------

    private boolean completed(long id) {
        return driver.seen().stream().anyMatch(c -> c.id() == id);
    }

    private Completion find(long id) {
        return driver.seen().stream().filter(c -> c.id() == id).findFirst().orElseThrow();
    }

    /** Sends a few bytes in one send (small enough that it is never partial). */
    private void send(PortSocket socket, int... bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        for (int b : bytes) {
            buffer.put((byte) b);
        }
        long id = port.submitSend(socket, buffer.flip());
        assertEquals(bytes.length, driver.await(c -> c.id() == id, "the send").result());
    }

    /** Receives until the end of input (0), which must come; returns the bytes. */
    private List<Byte> receiveAll(PortSocket socket) throws IOException {
        List<Byte> bytes = new java.util.ArrayList<>();
        while (true) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(64);
            long id = port.submitReceive(socket, buffer);
            int result = driver.await(c -> c.id() == id, "a receive").result();
            assertTrue(result >= 0, () -> Errno.describe(result));
            if (result == 0) {
                return bytes;
            }
            for (int i = 0; i < result; i++) {
                bytes.add(buffer.get(i));
            }
        }
    }
}
