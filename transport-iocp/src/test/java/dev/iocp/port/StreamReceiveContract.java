package dev.iocp.port;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The stream receive ({@link CompletionPort#submitReceiveStream}) as every backend must show it:
 * one completion flagged {@link CompletionFlags#MORE} per arrival of data, never empty, with the
 * bytes in {@link CompletionPort#receivedBytes()} while its handler runs; then one final
 * completion without MORE and without data. A backend's test extends this and names the
 * backend.
 *
 * <p>Every completion here goes through a {@link Recorder}, which copies each stream's bytes
 * inside the handler (the only place they are valid) and checks on every one of them what holds
 * for all: data completions carry MORE and at least one byte, exactly as many as
 * {@code receivedBytes()} holds, and nothing of a stream follows its final completion.
 */
public abstract class StreamReceiveContract extends PortFixture {
    protected static final long CLIENT_KEYS = 100;
    private static final long SERVER_KEYS = 100_000;

    protected final Recorder recorder = new Recorder();

    /**
     * The bytes of memory the port holds to receive into for stream receives, as the backend
     * counts them (its port's package-private accessor).
     */
    protected abstract long receiveMemoryBytes(CompletionPort port);

    /**
     * How many arrivals one always-readable socket may deliver before another socket's data gets
     * its turn: the backend's fairness bound.
     */
    protected abstract int arrivalsPerTurn();

    // ---- data -------------------------------------------------------------------------------

    @Test
    void eachArrivalOfDataCompletesWithMoreAndTheBytesThatArrived() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        long stream = port.submitReceiveStream(pair.client());
        byte[][] messages = {{1, 2, 3}, {4, 5}, {6, 7, 8, 9}};
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (byte[] message : messages) {
            sendAll(pair.server(), ByteBuffer.allocateDirect(message.length).put(message).flip());
            sent.writeBytes(message);
            // Each message is sent only once the one before it has arrived: separate arrivals.
            recorder.await(r -> r.received(1).length == sent.size(), sent.size() + " bytes at the client");
        }
        assertArrayEquals(sent.toByteArray(), recorder.received(1));
        List<Completion> data = recorder.of(stream);
        assertTrue(data.size() >= messages.length, "at least one completion per arrival: " + data);
        assertTrue(data.stream().allMatch(c -> c.operation() == Operation.RECEIVE), data::toString);
        assertEquals(1, pair.client().pendingOperations(), "the stream stays armed");
        assertEquals(1, port.pendingOperations());
    }

    @Test
    void severalMebibytesArriveWholeAndInOrderAcrossManyCompletions() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        ByteBuffer data = pattern(4 << 20, 1);
        long stream = port.submitReceiveStream(pair.client());
        sendAll(pair.server(), data);
        port.submitShutdown(pair.server(), ShutdownMode.OUTPUT);
        Completion last = recorder.awaitFinal(stream);
        assertEquals(0, last.result(), "the end of input ends the stream: " + last);
        byte[] received = recorder.received(1);
        assertEquals(data.capacity(), received.length);
        assertEquals(-1, ByteBuffer.wrap(received).mismatch(data.duplicate().clear()), "the bytes differ");
        assertTrue(recorder.of(stream).size() > 2, "arrived in many completions: " + recorder.of(stream).size());
    }

    @Test
    void theEndOfInputEndsTheStreamWithZeroAndTheSocketMayReceiveAgain() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        long stream = port.submitReceiveStream(pair.client());
        sendAll(pair.server(), direct(7, 8, 9));
        port.submitShutdown(pair.server(), ShutdownMode.OUTPUT);
        Completion last = recorder.awaitFinal(stream);
        assertEquals(0, last.result(), last::toString);
        assertArrayEquals(new byte[] {7, 8, 9}, recorder.received(1));
        assertEquals(0, pair.client().pendingOperations(), "the final completion ended the operation");
        long again = port.submitReceiveStream(pair.client());
        assertEquals(0, recorder.awaitFinal(again).result(), "the input is still at its end");
        assertEquals(1, recorder.of(again).size(), () -> "no data: " + recorder.of(again));
    }

    @Test
    void aPeerResetEndsTheStreamWithEconnreset() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        long stream = port.submitReceiveStream(pair.client());
        pair.server().setOption(StandardSocketOptions.SO_LINGER, 0); // close sends RST
        port.submitClose(pair.server());
        Completion last = recorder.awaitFinal(stream);
        assertTrue(last.result() == -Errno.ECONNRESET || last.result() == 0, last::toString);
    }

    @Test
    void aStreamOnASocketWithoutAConnectionEndsAtOnceWithEnotconn() throws IOException {
        PortSocket unconnected = open(StandardProtocolFamily.INET, 3);
        long stream = port.submitReceiveStream(unconnected);
        assertEquals(-Errno.ENOTCONN, recorder.awaitFinal(stream).result());
        assertEquals(List.of(stream), recorder.all.stream().map(Completion::id).toList(), "no data before it");
        assertEquals(0, port.pendingOperations());
    }

    // ---- cancel and close ---------------------------------------------------------------------

    @Test
    void aCancelEndsTheStreamAfterItsDataAndWhatItDidNotReceiveStaysInTheSocket() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        ByteBuffer data = pattern(1 << 20, 2);
        long stream = port.submitReceiveStream(pair.client());
        long[] cancel = new long[1];
        // Back-pressure as a channel applies it: cancelled from the handler of the first data,
        // while the rest is still on its way.
        recorder.then = c -> {
            if (c.id() == stream && cancel[0] == 0) {
                cancel[0] = port.submitCancel(pair.client(), stream);
            }
        };
        Sender sender = new Sender(pair.server(), data);
        Completion last = recorder.awaitFinal(stream);
        assertEquals(-Errno.ECANCELED, last.result(), last::toString);
        assertEquals(0, recorder.awaitOne(c -> c.id() == cancel[0], "the cancel").result(), "it found the stream armed");

        // The rest is still there for the next receive: nothing lost, nothing twice.
        recorder.then = c -> { };
        long resumed = port.submitReceiveStream(pair.client());
        recorder.await(r -> sender.done() && r.received(1).length == data.capacity(), "the rest of the data");
        assertEquals(-1, ByteBuffer.wrap(recorder.received(1)).mismatch(data.duplicate().clear()), "the bytes differ");
        assertFalse(recorder.ended(resumed), "the new stream is armed");
    }

    @Test
    void closingTheSocketEndsTheStreamBeforeTheCloseCompletes() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        long stream = port.submitReceiveStream(pair.client());
        sendAll(pair.server(), direct(1, 2));
        recorder.await(r -> r.received(1).length == 2, "the data");
        long close = port.submitClose(pair.client());
        recorder.awaitOne(c -> c.id() == close, "the close");
        port.dequeue(recorder, 64, 0); // anything delivered late would be ready by now
        Completion last = recorder.finalOf(stream);
        assertEquals(-Errno.ECANCELED, last.result(), last::toString);
        assertTrue(recorder.all.indexOf(last) < recorder.indexOf(close), "the stream ends first: " + recorder.all);
        assertEquals(0, recorder.finalOf(close).result());
        assertFalse(pair.client().isOpen());
    }

    // ---- misuse -------------------------------------------------------------------------------

    @Test
    void receivedBytesIsRefusedOutsideTheHandlerOfAStreamCompletion() throws IOException {
        assertThrows(IllegalStateException.class, () -> port.receivedBytes(), "before any completion");
        long nop = port.submitNop(9);
        List<Throwable> inNopHandler = new ArrayList<>();
        recorder.then = c -> {
            if (c.id() == nop) {
                inNopHandler.add(assertThrows(IllegalStateException.class, () -> port.receivedBytes()));
            }
        };
        recorder.awaitOne(c -> c.id() == nop, "the no-op");
        assertEquals(1, inNopHandler.size(), "refused in the handler of another completion");
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        port.submitReceiveStream(pair.client());
        sendAll(pair.server(), direct(5));
        recorder.await(r -> r.received(1).length == 1, "the data");
        assertThrows(IllegalStateException.class, () -> port.receivedBytes(), "after the handler returned");
    }

    @Test
    void aSocketHasOneStreamReceiveAtATimeAndNoOtherReceiveBesideIt() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        long single = port.submitReceive(pair.client(), ByteBuffer.allocateDirect(8)); // waits: nothing sent
        assertRefused(() -> port.submitReceiveStream(pair.client()), "beside a receive in flight");
        port.submitCancel(pair.client(), single);
        recorder.awaitOne(c -> c.id() == single, "the cancelled receive");

        long stream = port.submitReceiveStream(pair.client());
        assertRefused(() -> port.submitReceiveStream(pair.client()), "a second stream");
        assertRefused(() -> port.submitReceive(pair.client(), ByteBuffer.allocateDirect(8)), "a receive beside it");
        assertEquals(1, pair.client().pendingOperations(), "the refused submissions took nothing");
        sendAll(pair.server(), direct(3, 4));
        recorder.await(r -> r.received(1).length == 2, "the data, to the stream");
        assertFalse(recorder.ended(stream));
    }

    @Test
    void aStreamReceiveOnAClosedSocketIsRefused() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        long close = port.submitClose(pair.client());
        assertRefused(() -> port.submitReceiveStream(pair.client()), "closing");
        recorder.awaitOne(c -> c.id() == close, "the close");
        assertRefused(() -> port.submitReceiveStream(pair.client()), "closed");
    }

    // ---- memory and fairness ------------------------------------------------------------------

    @Test
    void idleSocketsWithArmedStreamsHoldNoReceiveMemoryOfTheirOwn() throws IOException {
        int count = 500;
        List<Pair> pairs = connectPairs(count);
        port.submitReceiveStream(pairs.getFirst().client());
        port.dequeue(recorder, 64, 0);
        long withOne = receiveMemoryBytes(port);
        for (Pair pair : pairs.subList(1, count)) {
            port.submitReceiveStream(pair.client());
        }
        port.dequeue(recorder, 64, 0);
        assertEquals(withOne, receiveMemoryBytes(port), "receive memory with 1 stream, then " + count + " idle ones");
        assertEquals(count, port.pendingOperations(), "every stream is armed");
        assertEquals(List.of(), recorder.all, "idle streams complete nothing");

        for (int i = 0; i < count; i++) {
            port.submitSend(pairs.get(i).server(), ByteBuffer.allocateDirect(4).putInt(0, i));
        }
        recorder.await(r -> {
            for (int i = 0; i < count; i++) {
                if (r.received(CLIENT_KEYS + i).length < 4) {
                    return false;
                }
            }
            return true;
        }, "4 bytes on each of " + count + " sockets");
        for (int i = 0; i < count; i++) {
            assertEquals(i, ByteBuffer.wrap(recorder.received(CLIENT_KEYS + i)).getInt(), "socket " + i);
        }
    }

    @Test
    void aSocketThatIsAlwaysReadableDoesNotStarveAnother() throws IOException {
        List<Pair> pairs = connectPairs(2);
        Pair busy = pairs.get(0);
        Pair other = pairs.get(1);
        // Fill the busy connection's path (its receive buffer, its peer's send buffer) while
        // nobody reads it: a send that does not fit completes short.
        busy.server().setOption(StandardSocketOptions.SO_SNDBUF, 256 * 1024);
        long fill = port.submitSend(busy.server(), pattern(8 << 20, 3));
        int backlog = recorder.awaitOne(c -> c.id() == fill, "the filling send").result();
        assertTrue(backlog >= 256 * 1024 && backlog < 8 << 20, "queued for the busy socket: " + backlog);
        sendAll(other.server(), direct(42));

        int[] busyArrivals = {0};
        int[] busyArrivalsWhenOtherArrived = {-1};
        long otherKey = CLIENT_KEYS + 1;
        recorder.then = c -> {
            if (c.key() == CLIENT_KEYS && (c.flags() & CompletionFlags.MORE) != 0) {
                busyArrivals[0]++;
            }
            if (c.key() == otherKey && busyArrivalsWhenOtherArrived[0] < 0) {
                busyArrivalsWhenOtherArrived[0] = busyArrivals[0];
            }
        };
        port.submitReceiveStream(busy.client());
        port.submitReceiveStream(other.client());
        recorder.await(r -> r.received(otherKey).length == 1, "the other socket's byte");
        assertTrue(busyArrivalsWhenOtherArrived[0] <= arrivalsPerTurn(), "the other socket's byte came after "
                + busyArrivalsWhenOtherArrived[0] + " arrivals of the busy one");
        recorder.await(r -> r.received(CLIENT_KEYS).length == backlog, "the busy socket's bytes");
    }

    // ---- helpers ------------------------------------------------------------------------------

    /**
     * Connects {@code count} clients (keys {@code CLIENT_KEYS + i}, with a receive buffer of
     * 256 KiB) to one listener and pairs each with the connection accepted for it (keys
     * {@code SERVER_KEYS + i}).
     */
    protected List<Pair> connectPairs(int count) throws IOException {
        PortSocket listener = backend().openSocket(StandardProtocolFamily.INET);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        listener.listen(count);
        port.register(listener, 0);
        PortSocket[] clients = new PortSocket[count];
        Map<SocketAddress, PortSocket> accepted = new HashMap<>();
        for (int i = 0; i < count; i++) {
            clients[i] = backend().openSocket(StandardProtocolFamily.INET);
            clients[i].setOption(StandardSocketOptions.SO_RCVBUF, 256 * 1024);
            port.register(clients[i], CLIENT_KEYS + i);
            port.submitConnect(clients[i], listener.localAddress());
            port.submitAccept(listener);
        }
        int[] connected = new int[1];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((connected[0] < count || accepted.size() < count) && System.nanoTime() < deadline) {
            port.dequeue((key, operation, result, flags, id) -> {
                try {
                    if (operation == Operation.ACCEPT) {
                        assertTrue(result >= 0, () -> Errno.describe(result));
                        PortSocket server = port.adoptAccepted(listener, result);
                        accepted.put(server.remoteAddress(), server);
                    } else {
                        assertEquals(Operation.CONNECT, operation);
                        assertEquals(0, result, () -> Errno.describe(result));
                        connected[0]++;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, 256, TimeUnit.MILLISECONDS.toNanos(200));
        }
        assertEquals(count, connected[0], "connected");
        listener.close();
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            PortSocket server = accepted.get(clients[i].localAddress());
            port.register(server, SERVER_KEYS + i);
            pairs.add(new Pair(clients[i], server));
        }
        return pairs;
    }

    /** Sends all of {@code data} on the port, waiting for each send. */
    protected void sendAll(PortSocket socket, ByteBuffer data) throws IOException {
        Sender sender = new Sender(socket, data);
        recorder.await(r -> sender.done(), "sent");
    }

    /** Sends a buffer in as many sends as it takes, each submitted when the one before completes. */
    private final class Sender implements Consumer<Completion> {
        private final PortSocket socket;
        private final ByteBuffer data;
        private long id;
        private int sent;

        Sender(PortSocket socket, ByteBuffer data) {
            this.socket = socket;
            this.data = data;
            recorder.senders.add(this);
            id = port.submitSend(socket, data);
        }

        @Override
        public void accept(Completion c) {
            if (c.id() != id) {
                return;
            }
            assertTrue(c.result() > 0, () -> "send: " + c);
            sent += c.result();
            id = sent < data.remaining() ? port.submitSend(socket, data.duplicate().position(data.position() + sent)) : 0;
        }

        boolean done() {
            return id == 0;
        }
    }

    private void assertRefused(org.junit.jupiter.api.function.Executable submit, String what) {
        int before = port.pendingOperations();
        assertThrows(IllegalStateException.class, submit, what);
        assertEquals(before, port.pendingOperations(), "a refused submission takes nothing: " + what);
    }

    protected static ByteBuffer direct(int... bytes) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        for (int b : bytes) {
            buffer.put((byte) b);
        }
        return buffer.flip();
    }

    protected static ByteBuffer pattern(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return ByteBuffer.allocateDirect(size).put(bytes).flip();
    }

    /**
     * Records every completion and each socket's stream bytes, checking on each one what holds
     * for every stream receive.
     */
    protected final class Recorder implements CompletionHandler {
        public final List<Completion> all = new ArrayList<>();
        private final Map<Long, ByteArrayOutputStream> bytes = new HashMap<>();
        private final Set<Long> finished = new HashSet<>();
        final List<Sender> senders = new ArrayList<>();
        /** Run after each completion is recorded, inside the handler. */
        public Consumer<Completion> then = c -> { };

        @Override
        public void onCompletion(long key, Operation operation, int result, int flags, long id) {
            Completion c = new Completion(key, operation, result, flags, id);
            assertFalse(finished.contains(id), () -> "a completion after the final one: " + c + " in " + all);
            all.add(c);
            if ((flags & CompletionFlags.MORE) != 0) {
                assertEquals(Operation.RECEIVE, operation, c::toString);
                assertTrue(result > 0, () -> "a data completion without data: " + c);
                ByteBuffer received = port.receivedBytes();
                assertEquals(result, received.remaining(), "receivedBytes() holds the result's bytes");
                byte[] copy = new byte[result];
                received.get(received.position(), copy);
                bytes.computeIfAbsent(key, k -> new ByteArrayOutputStream()).writeBytes(copy);
            } else {
                finished.add(id);
            }
            for (Sender sender : List.copyOf(senders)) {
                sender.accept(c);
            }
            then.accept(c);
        }

        public byte[] received(long key) {
            ByteArrayOutputStream b = bytes.get(key);
            return b == null ? new byte[0] : b.toByteArray();
        }

        public List<Completion> of(long id) {
            return all.stream().filter(c -> c.id() == id).toList();
        }

        public boolean ended(long id) {
            return finished.contains(id);
        }

        public Completion finalOf(long id) {
            return all.stream().filter(c -> c.id() == id && (c.flags() & CompletionFlags.MORE) == 0).findFirst()
                    .orElseThrow(() -> new AssertionError("no final completion of 0x" + Long.toHexString(id) + " in " + all));
        }

        public int indexOf(long id) {
            return all.indexOf(finalOf(id));
        }

        public Completion awaitFinal(long id) throws IOException {
            await(r -> r.ended(id), "the final completion of 0x" + Long.toHexString(id));
            Completion last = finalOf(id);
            List<Completion> before = all.subList(0, all.indexOf(last));
            assertTrue(before.stream().filter(c -> c.id() == id).allMatch(c -> (c.flags() & CompletionFlags.MORE) != 0),
                    () -> "one final completion, after the data: " + all);
            return last;
        }

        public Completion awaitOne(Predicate<Completion> match, String what) throws IOException {
            await(r -> r.all.stream().anyMatch(match), what);
            return all.stream().filter(match).findFirst().orElseThrow();
        }

        public void await(Predicate<Recorder> done, String what) throws IOException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!done.test(this)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("timed out waiting for " + what + "; saw " + (all.size() > 40 ? all.subList(all.size() - 40, all.size()) : all));
                }
                port.dequeue(this, 64, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
        }
    }
}
