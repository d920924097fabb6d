package dev.iocp.port;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every backend must do with sends of {@link SendSegments}, copying and zero-copy: mixed
 * into {@link CompletionPortContract}, so that it runs wherever the contract runs.
 */
interface SendSegmentsContract {

    CompletionPort port();

    PortDriver driver();

    PortFixture.Pair connectedPair(StandardProtocolFamily family) throws IOException;

    @Test
    default void segmentSendsDeliverTheirBytesInOrderAndReadTheSegmentsOnlyWhileSubmitting() throws IOException {
        PortFixture.Pair pair = connectedPair(StandardProtocolFamily.INET);
        ByteBuffer memory = pattern(64 * 1024);
        List<WindowSegments> sends = List.of(
                new WindowSegments(memory).add(0, 1000),                        // SEND
                new WindowSegments(memory).add(5000, 10).add(1000, 4000).add(5010, 6), // out of memory order
                new WindowSegments(memory).split(5016, 30_000, 1000));         // beyond the inline iovecs
        byte[] expected = concat(sends);
        Map<Long, Integer> offered = new HashMap<>();
        for (WindowSegments segments : sends) {
            offered.put(port().submitSend(pair.client(), segments), segments.bytes());
            segments.retire(); // the port must not read them again
        }
        assertArrayEquals(expected, receive(pair.server(), expected.length));
        List<Completion> done = driver().awaitUntil(all -> offered.keySet().stream().allMatch(
                id -> all.stream().anyMatch(c -> c.id() == id)), "the sends");
        for (Map.Entry<Long, Integer> send : offered.entrySet()) {
            List<Completion> of = done.stream().filter(c -> c.id() == send.getKey()).toList();
            assertEquals(1, of.size(), done::toString);
            assertEquals(send.getValue(), of.get(0).result(), "each send took all it offered: " + of);
        }
        assertEquals(0, port().pendingOperations());
    }

    @Test
    default void oneBufferObjectStandingForTwoSegmentsSendsBothInTurn() throws IOException {
        PortFixture.Pair pair = connectedPair(StandardProtocolFamily.INET);
        ByteBuffer memory = pattern(1000);
        ByteBuffer view = memory.duplicate().position(100).limit(400); // a message written twice
        SendSegments twice = new SendSegments() {
            @Override
            public int count() {
                return 2;
            }

            @Override
            public int length(int index) {
                return 300;
            }

            @Override
            public long address(int index) {
                return java.lang.foreign.MemorySegment.ofBuffer(memory).address() + 100;
            }

            @Override
            public ByteBuffer buffer(int index) {
                return view;
            }
        };
        long send = port().submitSend(pair.client(), twice);
        int sent = driver().await(x -> x.id() == send, "send").result();
        assertTrue(sent == 300 || sent == 600, "all, or up to the repeat: " + sent);
        if (sent == 300) {
            long rest = port().submitSend(pair.client(), new WindowSegments(memory).add(100, 300));
            assertEquals(300, driver().await(x -> x.id() == rest, "the rest").result());
        }
        assertEquals(300, view.remaining(), "the port leaves the view's window alone");
        byte[] once = new byte[300];
        memory.get(100, once);
        byte[] expected = new byte[600];
        System.arraycopy(once, 0, expected, 0, 300);
        System.arraycopy(once, 0, expected, 300, 300);
        assertArrayEquals(expected, receive(pair.server(), 600));
    }

    @Test
    default void zeroCopySendsDeliverTheirBytesAndCompleteOnceEach() throws IOException {
        PortFixture.Pair pair = connectedPair(StandardProtocolFamily.INET);
        int total = 3 << 20;
        ByteBuffer memory = pattern(total);
        // One segment (SEND_ZC), then gathers (SENDMSG_ZC) of what is left, until all is taken;
        // each next send as soon as the last one has its result.
        Map<Long, Integer> results = new HashMap<>();
        List<Long> last = new ArrayList<>();
        long send = port().submitZeroCopySend(pair.client(), new WindowSegments(memory).add(0, 1 << 20));
        int sent = 0;
        byte[] received = new byte[total];
        int got = 0;
        ByteBuffer into = ByteBuffer.allocateDirect(256 * 1024);
        long receive = port().submitReceive(pair.server(), into);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((got < total || port().pendingOperations() > 0) && System.nanoTime() < deadline) {
            List<Completion> batch = new ArrayList<>();
            port().dequeue((k, o, r, f, id) -> batch.add(new Completion(k, o, r, f, id)), 64,
                    TimeUnit.MILLISECONDS.toNanos(200));
            for (Completion c : batch) {
                if (c.id() == receive) {
                    assertTrue(c.result() > 0, c::toString);
                    into.get(0, received, got, c.result());
                    got += c.result();
                    receive = got == total ? 0 : port().submitReceive(pair.server(), into);
                    continue;
                }
                assertEquals(Operation.SEND, c.operation(), c::toString);
                boolean more = (c.flags() & CompletionFlags.MORE) != 0;
                if (!results.containsKey(c.id())) {
                    assertTrue(c.result() > 0, c::toString);
                    results.put(c.id(), c.result());
                    sent += c.result();
                    send = sent == total ? 0 : port().submitZeroCopySend(pair.client(),
                            new WindowSegments(memory).split(sent, total - sent, 256 * 1024));
                } else {
                    assertFalse(more, "a send's result first, then its last completion: " + c);
                    assertEquals(0, c.result(), "the last completion after a result: " + c);
                }
                if (!more) {
                    assertFalse(last.contains(c.id()), "one last completion per send: " + c);
                    last.add(c.id());
                }
            }
        }
        assertEquals(total, got, "received");
        assertArrayEquals(contents(memory), received);
        assertEquals(results.keySet(), new java.util.HashSet<>(last), "every send had its last completion");
        assertEquals(0, port().pendingOperations());
    }

    @Test
    default void closingASocketWithAZeroCopySendInFlightCompletesItThenTheClose() throws IOException {
        PortFixture.Pair pair = connectedPair(StandardProtocolFamily.INET);
        pair.client().setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
        pair.server().setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
        ByteBuffer big = ByteBuffer.allocateDirect(16 << 20);
        // Nobody reads: the kernel takes part of it and keeps that data, unacknowledged.
        long send = port().submitZeroCopySend(pair.client(), new WindowSegments(big).add(0, big.capacity()));
        long receive = port().submitReceive(pair.client(), ByteBuffer.allocateDirect(64));
        port().dequeue((k, o, r, f, i) -> driver().seen().add(new Completion(k, o, r, f, i)), 16, 0);
        long close = port().submitClose(pair.client());
        driver().await(x -> x.id() == close, "close");
        port().dequeue((k, o, r, f, i) -> driver().seen().add(new Completion(k, o, r, f, i)), 64, 0);
        List<Completion> all = driver().seen();
        List<Completion> sends = all.stream().filter(x -> x.id() == send).toList();
        Completion result = sends.get(0);
        assertTrue(result.result() > 0 || result.result() == -Errno.ECANCELED, all::toString);
        if ((result.flags() & CompletionFlags.MORE) != 0) {
            assertEquals(2, sends.size(), "the result, then the last completion: " + all);
            assertEquals(new Completion(1, Operation.SEND, 0, 0, send), sends.get(1));
        } else {
            assertEquals(1, sends.size(), all::toString);
        }
        assertEquals(-Errno.ECANCELED, all.stream().filter(x -> x.id() == receive).findFirst().orElseThrow().result());
        assertEquals(close, all.get(all.size() - 1).id(), "the close comes last: " + all);
        assertEquals(0, port().pendingOperations());
    }

    /**
     * A zero-copy send whose data a peer leaves unread keeps its notification back; the send no
     * longer holds the socket's file, so a lingering socket's close (which waits for what holds
     * the file) goes ahead: the descriptor is let go at once, and only the CLOSE completion waits
     * for the notification, which comes once the peer has read the data.
     */
    @Test
    default void aLingeringSocketsCloseDoesNotWaitForAZeroCopyNotification() throws IOException {
        PortFixture.Pair pair = connectedPair(StandardProtocolFamily.INET);
        // A send buffer far larger than what the peer's receive buffer takes: most of the send
        // stays queued, unsent, and holds the notification back.
        pair.client().setOption(StandardSocketOptions.SO_SNDBUF, 256 * 1024);
        pair.server().setOption(StandardSocketOptions.SO_RCVBUF, 4 * 1024);
        pair.client().setOption(StandardSocketOptions.SO_LINGER, 1);
        ByteBuffer big = ByteBuffer.allocateDirect(4 << 20);
        long send = port().submitZeroCopySend(pair.client(), new WindowSegments(big).add(0, big.capacity()));
        Completion result = driver().await(x -> x.id() == send, "the send's result");
        assertTrue(result.result() > 0 && result.result() < big.capacity(), "the peer holds it back: " + result);
        long sockets = openSockets();
        long close = port().submitClose(pair.client());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (openSockets() >= sockets && System.nanoTime() < deadline) {
            port().dequeue((k, o, r, f, i) -> driver().seen().add(new Completion(k, o, r, f, i)), 16,
                    TimeUnit.MILLISECONDS.toNanos(50));
        }
        assertEquals(sockets - 1, openSockets(), "the descriptor is closed: " + driver().seen());
        // The peer reads (with room to take it in large pieces): the queue empties, the notification comes.
        pair.server().setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
        receive(pair.server(), result.result());
        driver().await(x -> x.id() == close, "the close");
        List<Completion> client = driver().seen().stream().filter(x -> x.key() == 1).toList();
        List<Completion> sends = client.stream().filter(x -> x.id() == send).toList();
        assertEquals(close, client.get(client.size() - 1).id(), "the close comes last: " + client);
        assertTrue(sends.size() == 1 || sends.size() == 2 && sends.get(1).result() == 0, client::toString);
        assertEquals(0, port().pendingOperations());
    }

    /** The descriptors of this process that are sockets. */
    private static long openSockets() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException gone) {
                    return false; // closed while listed (the listing's own descriptor, for one)
                }
            }).count();
        }
    }

    @Test
    default void refusedSegmentSendsTakeNothing() throws IOException {
        PortFixture.Pair pair = connectedPair(StandardProtocolFamily.INET);
        PortSocket s = pair.client();
        ByteBuffer memory = ByteBuffer.allocateDirect(16);
        WindowSegments none = new WindowSegments(memory);
        WindowSegments tooMany = new WindowSegments(memory);
        for (int i = 0; i <= CompletionPort.MAX_GATHERED_BUFFERS; i++) {
            tooMany.add(0, 1);
        }
        WindowSegments negative = new WindowSegments(memory).add(0, 4).add(4, -1);
        WindowSegments unreadable = new WindowSegments(memory).add(0, 4);
        unreadable.retire();
        assertRefused(NullPointerException.class, "segments", () -> port().submitSend(s, (SendSegments) null));
        assertRefused(IllegalArgumentException.class, "not 0", () -> port().submitSend(s, none));
        assertRefused(IllegalArgumentException.class, "not 1025", () -> port().submitZeroCopySend(s, tooMany));
        assertRefused(IllegalArgumentException.class, "negative length", () -> port().submitSend(s, negative));
        assertRefused(IllegalStateException.class, "read after", () -> port().submitZeroCopySend(s, unreadable));
        long send = port().submitSend(s, new WindowSegments(memory).add(0, 16));
        assertEquals(16, driver().await(x -> x.id() == send, "a send after the refused ones").result());
        assertEquals(0, port().pendingOperations());
    }

    private void assertRefused(Class<? extends RuntimeException> type, String inMessage,
                               org.junit.jupiter.api.function.Executable submit) {
        int before = port().pendingOperations();
        RuntimeException e = assertThrows(type, submit);
        assertTrue(String.valueOf(e.getMessage()).contains(inMessage), "message: " + e.getMessage());
        assertEquals(before, port().pendingOperations(), "a refused submission takes no operation: " + e);
    }

    /** Receives exactly {@code length} bytes on {@code socket}. */
    private byte[] receive(PortSocket socket, int length) throws IOException {
        byte[] got = new byte[length];
        int at = 0;
        ByteBuffer into = ByteBuffer.allocateDirect(length);
        while (at < length) {
            long id = port().submitReceive(socket, into.clear().limit(length - at));
            int n = driver().await(x -> x.id() == id, "receive").result();
            assertTrue(n > 0, "receive: " + n);
            into.get(0, got, at, n);
            at += n;
        }
        return got;
    }

    /** A direct buffer of {@code size} bytes, none alike within 251 of each other. */
    private static ByteBuffer pattern(int size) {
        ByteBuffer memory = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i++) {
            memory.put(i, (byte) (i % 251));
        }
        return memory;
    }

    private static byte[] contents(ByteBuffer memory) {
        byte[] bytes = new byte[memory.capacity()];
        memory.get(0, bytes);
        return bytes;
    }

    /** What the sends carry, in order (read before they are retired). */
    private static byte[] concat(List<WindowSegments> sends) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (WindowSegments segments : sends) {
            for (int i = 0; i < segments.count(); i++) {
                ByteBuffer window = segments.buffer(i);
                byte[] part = new byte[window.remaining()];
                window.get(window.position(), part);
                out.writeBytes(part);
            }
        }
        return out.toByteArray();
    }
}
