package dev.iocp.port.uring;

import dev.iocp.port.CompletionFlags;
import dev.iocp.port.CompletionPort;
import dev.iocp.port.Errno;
import dev.iocp.port.Operation;
import dev.iocp.port.PortConfig;
import dev.iocp.port.PortSocket;
import dev.iocp.port.uring.sys.Syscalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.iocp.port.uring.sys.LinuxConstants.IPPROTO_TCP;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Stream receives on io_uring in each way the port can run them: multishot or re-armed single
 * shots (what 5.19 gets), incremental buffers or whole ones, and a ring so small that it runs dry
 * and must grow or wait for buffers to come back. The peers are plain JDK sockets.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class IoUringReceiveBuffersTest {
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(20);

    private final List<SocketChannel> peers = new ArrayList<>();
    private CompletionPort port;
    private ServerSocketChannel acceptor;

    static Stream<ReceiveBufferSettings> settings() {
        ReceiveBufferSettings defaults = ReceiveBufferSettings.fromSystemProperties().withMultishot(true);
        ReceiveBufferSettings tiny = new ReceiveBufferSettings(512, 1024, 1, 4, false, true);
        return Stream.of(defaults, defaults.withIncremental(false), defaults.withMultishot(false),
                defaults.withMultishot(false).withIncremental(false), tiny, tiny.withIncremental(true),
                tiny.withMultishot(false));
    }

    private CompletionPort open(ReceiveBufferSettings settings) throws IOException {
        Assumptions.assumeTrue(IoUringBackend.INSTANCE.isAvailable(), "io_uring is unavailable");
        port = IoUringBackend.INSTANCE.openPort(PortConfig.DEFAULT, 0, true, false, settings);
        acceptor = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return port;
    }

    @AfterEach
    void close() throws IOException {
        for (SocketChannel peer : peers) {
            peer.close();
        }
        if (acceptor != null) {
            acceptor.close();
        }
        if (port != null) {
            port.close();
        }
    }

    /** A port socket with key {@code key}, connected to a JDK peer that is returned. */
    private PortSocket connect(long key) throws IOException {
        PortSocket socket = IoUringBackend.INSTANCE.openSocket(StandardProtocolFamily.INET);
        port.register(socket, key);
        long connect = port.submitConnect(socket, (InetSocketAddress) acceptor.getLocalAddress());
        int[] result = {Integer.MIN_VALUE};
        dequeueUntil(() -> result[0] != Integer.MIN_VALUE, (k, op, r, f, id) -> {
            if (id == connect) {
                result[0] = r;
            }
        });
        assertEquals(0, result[0], () -> Errno.describe(result[0]));
        peers.add(acceptor.accept()); // waiting in the backlog since the connect completed
        return socket;
    }

    private void dequeueUntil(java.util.function.BooleanSupplier done, dev.iocp.port.CompletionHandler handler)
            throws IOException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out");
            }
            port.dequeue(handler, 64, TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    @ParameterizedTest
    @MethodSource("settings")
    void everyByteOfSeveralStreamsArrivesInOrderAndEachStreamEndsOnceAtEndOfInput(ReceiveBufferSettings settings)
            throws Exception {
        open(settings);
        int sockets = 6;
        int bytesEach = 1 << 20;
        byte[][] sent = new byte[sockets][];
        ByteArrayOutputStream[] got = new ByteArrayOutputStream[sockets];
        boolean[] ended = new boolean[sockets];
        long[] ids = new long[sockets];
        for (int i = 0; i < sockets; i++) {
            PortSocket socket = connect(i);
            ids[i] = port.submitReceiveStream(socket);
            sent[i] = new byte[bytesEach];
            new SplittableRandom(i).nextBytes(sent[i]);
            got[i] = new ByteArrayOutputStream();
        }
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                SplittableRandom random = new SplittableRandom(99);
                int[] at = new int[sockets];
                boolean more = true;
                while (more) {
                    more = false;
                    for (int i = 0; i < sockets; i++) {
                        int n = Math.min(bytesEach - at[i], 1 + random.nextInt(40_000));
                        if (n > 0) {
                            writeFully(peers.get(i), ByteBuffer.wrap(sent[i], at[i], n));
                            at[i] += n;
                            more = true;
                        }
                    }
                }
                for (SocketChannel peer : peers) {
                    peer.shutdownOutput();
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        int[] endings = new int[1];
        dequeueUntil(() -> endings[0] == sockets, (key, op, result, flags, id) -> {
            int i = (int) key;
            assertEquals(Operation.RECEIVE, op);
            assertEquals(ids[i], id);
            assertTrue(!ended[i], "nothing after the final completion");
            if ((flags & CompletionFlags.MORE) != 0) {
                assertTrue(result > 0, "a MORE completion carries data");
                ByteBuffer bytes = port.receivedBytes();
                assertEquals(result, bytes.remaining());
                byte[] chunk = new byte[result];
                bytes.get(chunk);
                got[i].write(chunk, 0, result);
            } else {
                assertEquals(0, result, () -> "end of input, not " + Errno.describe(result));
                ended[i] = true;
                endings[0]++;
            }
        });
        writer.join();
        for (int i = 0; i < sockets; i++) {
            assertArrayEquals(sent[i], got[i].toByteArray(), "stream " + i);
        }
        assertThrows(IllegalStateException.class, port::receivedBytes);
        assertEquals(0, port.pendingOperations(), "nothing left in flight");
    }

    @Test
    void aCancelledStreamDeliversWhatArrivedThenEndsCancelledAndIsNotRearmedWhenTheRingRanDry() throws Exception {
        open(new ReceiveBufferSettings(512, 1024, 1, 1, false, true));
        PortSocket socket = connect(1);
        long id = port.submitReceiveStream(socket);
        writeFully(peers.get(0), ByteBuffer.allocate(64 * 1024)); // far more than one 512-byte buffer
        long cancel = port.submitCancel(socket, id);
        int[] data = new int[1];
        int[] last = {Integer.MIN_VALUE};
        boolean[] cancelled = new boolean[1];
        dequeueUntil(() -> last[0] != Integer.MIN_VALUE && cancelled[0], (key, op, result, flags, opId) -> {
            if (opId == cancel) {
                cancelled[0] = true;
            } else if ((flags & CompletionFlags.MORE) != 0) {
                data[0] += result;
            } else {
                last[0] = result;
            }
        });
        assertEquals(-Errno.ECANCELED, last[0], () -> Errno.describe(last[0]));
        assertTrue(data[0] < 64 * 1024, "the stream stopped: " + data[0]);
        assertEquals(0, port.pendingOperations());
        long again = port.submitReceiveStream(socket); // a new stream picks up the rest
        int[] rest = new int[1];
        dequeueUntil(() -> data[0] + rest[0] == 64 * 1024, (key, op, result, flags, opId) -> {
            if (opId == again && result > 0) {
                rest[0] += result;
            }
        });
    }

    @Test
    void closingASocketEndsItsStreamBeforeTheClose() throws Exception {
        open(ReceiveBufferSettings.fromSystemProperties());
        PortSocket socket = connect(1);
        long id = port.submitReceiveStream(socket);
        assertThrows(IllegalStateException.class, () -> port.submitReceiveStream(socket), "one stream per socket");
        long close = port.submitClose(socket);
        List<Long> order = new ArrayList<>();
        int[] streamResult = new int[1];
        dequeueUntil(() -> order.contains(close), (key, op, result, flags, opId) -> {
            order.add(opId);
            if (opId == id) {
                streamResult[0] = result;
            }
        });
        assertEquals(List.of(id, close), order);
        assertEquals(-Errno.ECANCELED, streamResult[0]);
        assertEquals(0, port.pendingOperations());
    }

    @Test
    void idleSocketsWithArmedStreamsHoldNoBuffersOfTheirOwn() throws Exception {
        ReceiveBufferSettings settings = ReceiveBufferSettings.fromSystemProperties();
        IoUringPort uring = (IoUringPort) open(settings);
        for (int i = 0; i < 200; i++) {
            uring.submitReceiveStream(connect(i));
        }
        uring.dequeue((k, o, r, f, id) -> fail("nothing arrived"), 64, TimeUnit.MILLISECONDS.toNanos(200));
        assertEquals(settings.initialBuffers(), uring.receiveBufferCount(), "buffers do not grow with idle sockets");
        assertEquals(200, uring.pendingOperations());
    }

    @Test
    void aPeerResetEndsTheStreamWithTheError() throws Exception {
        open(ReceiveBufferSettings.fromSystemProperties());
        PortSocket socket = connect(1);
        long id = port.submitReceiveStream(socket);
        SocketChannel peer = peers.get(0);
        peer.setOption(StandardSocketOptions.SO_LINGER, 0);
        peer.close();
        int[] last = {Integer.MIN_VALUE};
        dequeueUntil(() -> last[0] != Integer.MIN_VALUE, (key, op, result, flags, opId) -> {
            if (opId == id && (flags & CompletionFlags.MORE) == 0) {
                last[0] = result;
            }
        });
        assertTrue(last[0] == -Errno.ECONNRESET || last[0] == 0, () -> Errno.describe(last[0]));
    }

    /**
     * Data and then a reset, both in before the stream is armed (as when a client sends part of
     * a request and resets at once): the stream delivers the data, then ends with the reset. A
     * multishot receive is woken once for both; it reads the data and goes back to waiting for
     * the next wake-up, since TCP's "more to read" hint is 0 after a reset (it is 1 after a FIN),
     * and no wake-up ever comes after a reset. The port must see the reset itself, or the
     * connection is never seen to end.
     */
    @ParameterizedTest
    @MethodSource("settings")
    void dataAndAResetInBeforeTheStreamIsArmedEndTheStreamAfterTheData(ReceiveBufferSettings settings)
            throws Exception {
        open(settings);
        PortSocket socket = connect(1);
        SocketChannel peer = peers.getFirst();
        writeFully(peer, ByteBuffer.wrap(new byte[] {'G', 'E'}));
        peer.setOption(StandardSocketOptions.SO_LINGER, 0);
        peer.close(); // RST
        awaitTcpState((UringSocket) socket, TCP_CLOSE);
        long id = port.submitReceiveStream(socket);
        List<Integer> results = new ArrayList<>();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        dequeueUntil(() -> !results.isEmpty() && results.getLast() <= 0, (key, op, result, flags, opId) -> {
            assertEquals(id, opId);
            assertTrue(results.isEmpty() || results.getLast() > 0, "nothing after the final completion");
            boolean more = (flags & CompletionFlags.MORE) != 0;
            if (more) {
                ByteBuffer bytes = port.receivedBytes();
                byte[] chunk = new byte[bytes.remaining()];
                bytes.get(chunk);
                got.writeBytes(chunk);
            }
            results.add(more ? result : Math.min(result, 0));
        });
        assertArrayEquals(new byte[] {'G', 'E'}, got.toByteArray());
        int last = results.getLast();
        assertTrue(last == -Errno.ECONNRESET || last == 0, () -> "ends with the reset, not " + Errno.describe(last));
        assertEquals(0, port.pendingOperations(), "nothing left in flight");
    }

    /** From linux/tcp.h: getsockopt(IPPROTO_TCP, TCP_INFO) fills a struct tcp_info, its state first. */
    private static final int TCP_INFO = 11;
    private static final int TCP_CLOSE = 7;

    /** Waits until the kernel has moved the socket's connection to {@code state} (tcp_info's first byte). */
    private static void awaitTcpState(UringSocket socket, int state) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(256);
            MemorySegment length = arena.allocate(JAVA_INT);
            while (true) {
                length.set(JAVA_INT, 0, (int) info.byteSize());
                int rc = Syscalls.getsockopt(socket.fd, IPPROTO_TCP, TCP_INFO, info.address(),
                        length.address());
                assertEquals(0, rc, () -> "getsockopt(TCP_INFO): " + Errno.describe(rc));
                if (info.get(JAVA_BYTE, 0) == state) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    fail("the connection never reached TCP state " + state);
                }
                Thread.sleep(1);
            }
        }
    }

    private static void writeFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
