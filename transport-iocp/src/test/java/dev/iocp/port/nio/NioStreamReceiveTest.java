package dev.iocp.port.nio;

import dev.iocp.port.Backend;
import dev.iocp.port.Completion;
import dev.iocp.port.CompletionFlags;
import dev.iocp.port.CompletionPort;
import dev.iocp.port.Errno;
import dev.iocp.port.StreamReceiveContract;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stream receive contract on the portable java.nio backend, and how nio keeps it. */
class NioStreamReceiveTest extends StreamReceiveContract {

    @Override
    protected Backend backend() {
        return NioBackend.INSTANCE;
    }

    @Override
    protected long receiveMemoryBytes(CompletionPort port) {
        return ((NioPort) port).receiveMemoryBytes();
    }

    /** One read per readable socket per pass over the selected keys. */
    @Override
    protected int arrivalsPerTurn() {
        return 1;
    }

    @Test
    void aDequeueReadsNoMoreThanItDelivers() throws IOException {
        List<Pair> pairs = connectPairs(3);
        for (int i = 0; i < 3; i++) {
            sendAll(pairs.get(i).server(), direct(i, i, i));
        }
        long[] streams = new long[3];
        for (int i = 0; i < 3; i++) {
            streams[i] = port.submitReceiveStream(pairs.get(i).client());
        }
        int before = recorder.all.size();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (recorder.all.size() == before && System.nanoTime() < deadline) {
            port.dequeue(recorder, 1, TimeUnit.MILLISECONDS.toNanos(200)); // all three are readable
        }
        assertEquals(before + 1, recorder.all.size(), "one delivered: " + recorder.all);
        int first = (int) (recorder.all.getLast().key() - CLIENT_KEYS);
        assertEquals(3, recorder.received(CLIENT_KEYS + first).length);
        // The other two were found readable, and are not read until delivered: cancelled now,
        // their streams end with no data, and the bytes are still in their sockets.
        for (int i = 0; i < 3; i++) {
            if (i != first) {
                port.submitCancel(pairs.get(i).client(), streams[i]);
            }
        }
        for (int i = 0; i < 3; i++) {
            if (i == first) {
                continue;
            }
            Completion last = recorder.awaitFinal(streams[i]);
            assertEquals(-Errno.ECANCELED, last.result());
            assertEquals(List.of(last), recorder.of(streams[i]), "nothing was read for stream " + i);
            long again = port.submitReceiveStream(pairs.get(i).client());
            long key = CLIENT_KEYS + i;
            recorder.await(r -> r.received(key).length == 3, "the bytes left in socket " + i);
            assertArrayEquals(new byte[] {(byte) i, (byte) i, (byte) i}, recorder.received(key));
            assertTrue(recorder.of(again).stream().allMatch(c -> (c.flags() & CompletionFlags.MORE) != 0));
        }
    }

    @Test
    void aByteAReceiveReadAheadGoesFirstToTheStreamAfterIt() throws IOException {
        Pair pair = connectedPair(java.net.StandardProtocolFamily.INET);
        sendAll(pair.server(), direct(1, 2, 3, 4, 5));
        ByteBuffer into = ByteBuffer.allocateDirect(4);
        long receive = port.submitReceive(pair.client(), into);
        Completion first = recorder.awaitOne(c -> c.id() == receive, "the receive");
        assertEquals(4, first.result());
        assertEquals(CompletionFlags.INPUT_PENDING, first.flags(), "the fifth byte was read ahead");
        // Nothing is left in the socket to make it readable: the stream still gets the byte.
        long stream = port.submitReceiveStream(pair.client());
        recorder.await(r -> r.received(1).length == 1, "the byte read ahead");
        assertArrayEquals(new byte[] {5}, recorder.received(1));
        sendAll(pair.server(), direct(6, 7));
        recorder.await(r -> r.received(1).length == 3, "what came after it");
        assertArrayEquals(new byte[] {5, 6, 7}, recorder.received(1));
        assertTrue(recorder.of(stream).stream().allMatch(c -> c.flags() == CompletionFlags.MORE));
    }

    @Test
    void aReadTakesUpToThePortsBufferAndNeverSaysInputIsPending() throws IOException {
        Pair pair = connectedPair(java.net.StandardProtocolFamily.INET);
        ByteBuffer data = pattern(1 << 20, 4);
        long stream = port.submitReceiveStream(pair.client());
        sendAll(pair.server(), data);
        recorder.await(r -> r.received(1).length == data.capacity(), "all of it");
        List<Completion> completions = recorder.of(stream);
        assertTrue(completions.stream().allMatch(c -> c.flags() == CompletionFlags.MORE), completions::toString);
        assertTrue(completions.stream().allMatch(c -> c.result() <= StreamReceives.BUFFER_SIZE), completions::toString);
        assertEquals(StreamReceives.BUFFER_SIZE, receiveMemoryBytes(port));
    }
}
