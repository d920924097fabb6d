package dev.iocp.port;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Stream receives into buffers from a caller's {@link ReceiveBufferSource}, as every backend must
 * show them: arrivals taken without a copy keep their bytes while later arrivals land (memory
 * whose bytes were taken is never read into again), arrivals copied instead leave their memory
 * to be reused, the port releases every buffer of its own when it closes, and a source that
 * cannot allocate loses no data. A backend's test extends this and names the backend. The peers
 * are plain JDK sockets.
 */
public abstract class ReceiveBufferSourceContract extends PortFixture {
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(20);

    private final List<SocketChannel> peers = new ArrayList<>();
    private ServerSocketChannel acceptor;

    /** Netty buffers, counted: what the port allocated and what it released. */
    public static final class CountingSource implements ReceiveBufferSource<ByteBuf> {
        private final ByteBufAllocator allocator = new PooledByteBufAllocator(true);
        public int allocated;
        public int released;
        /** Allocations to refuse, after the first {@code refuseAfter}. */
        public int refusals;
        public int refuseAfter = Integer.MAX_VALUE;

        @Override
        public ByteBuf allocate(int capacity) {
            if (allocated >= refuseAfter && refusals > 0) {
                refusals--;
                throw new OutOfMemoryError("simulated: no memory for a receive buffer");
            }
            allocated++;
            return allocator.directBuffer(capacity, capacity);
        }

        @Override
        public long address(ByteBuf buffer) {
            return MemorySegment.ofBuffer(buffer.nioBuffer(0, buffer.capacity())).address();
        }

        @Override
        public ByteBuffer view(ByteBuf buffer) {
            return buffer.nioBuffer(0, buffer.capacity());
        }

        @Override
        public ByteBuf share(ByteBuf buffer, int offset, int length) {
            return buffer.retainedSlice(offset, length);
        }

        @Override
        public void release(ByteBuf buffer) {
            released++;
            buffer.release();
        }
    }

    /** Gives {@code port} {@code source} and has JDK peers connect to it. */
    protected void use(CompletionPort port, ReceiveBufferSource<?> source) throws IOException {
        this.port = port;
        assertTrue(port.receiveBuffersFrom(source), "the backend takes a source");
        acceptor = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void closePeers() throws IOException {
        for (SocketChannel peer : peers) {
            peer.close();
        }
        if (acceptor != null) {
            acceptor.close();
        }
    }

    private PortSocket connect(long key) throws IOException {
        PortSocket socket = backend().openSocket(StandardProtocolFamily.INET);
        port.register(socket, key);
        long connect = port.submitConnect(socket, (InetSocketAddress) acceptor.getLocalAddress());
        int[] result = {Integer.MIN_VALUE};
        dequeueUntil(() -> result[0] != Integer.MIN_VALUE, (k, op, r, f, id) -> {
            if (id == connect) {
                result[0] = r;
            }
        });
        assertEquals(0, result[0], () -> Errno.describe(result[0]));
        peers.add(acceptor.accept());
        return socket;
    }

    private void dequeueUntil(BooleanSupplier done, dev.iocp.port.CompletionHandler handler) throws IOException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out");
            }
            port.dequeue(handler, 64, TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private Thread writeAll(byte[][] sent) {
        return Thread.ofPlatform().start(() -> {
            try {
                SplittableRandom random = new SplittableRandom(7);
                int[] at = new int[sent.length];
                boolean more = true;
                while (more) {
                    more = false;
                    for (int i = 0; i < sent.length; i++) {
                        int n = Math.min(sent[i].length - at[i], 1 + random.nextInt(40_000));
                        if (n > 0) {
                            ByteBuffer chunk = ByteBuffer.wrap(sent[i], at[i], n);
                            while (chunk.hasRemaining()) {
                                peers.get(i).write(chunk);
                            }
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
    }

    @Test
    void takenArrivalsKeepTheirBytesWhileLaterOnesLandAndEveryByteArrivesInOrder() throws Exception {
        CountingSource source = new CountingSource();
        use(port, source);
        takenArrivalsKeepTheirBytes(source);
    }

    /**
     * Every other arrival is taken and kept, unread, until all streams have ended: its bytes must
     * still be what arrived then, so its memory was never read into again. The others are
     * copied, and their memory is reused. After the port closes, it has released every buffer it
     * allocated, and what was taken is still valid.
     */
    protected void takenArrivalsKeepTheirBytes(CountingSource source) throws Exception {
        int sockets = 4;
        byte[][] sent = new byte[sockets][];
        List<List<Object>> got = new ArrayList<>(); // per socket: byte[] copies and taken ByteBufs, in order
        for (int i = 0; i < sockets; i++) {
            port.submitReceiveStream(connect(i));
            sent[i] = new byte[512 * 1024];
            new SplittableRandom(i).nextBytes(sent[i]);
            got.add(new ArrayList<>());
        }
        Thread writer = writeAll(sent);
        int[] endings = new int[1];
        int[] arrivals = new int[1];
        List<ByteBuf> taken = new ArrayList<>();
        try {
            dequeueUntil(() -> endings[0] == sockets, (key, op, result, flags, id) -> {
                assertEquals(Operation.RECEIVE, op);
                if ((flags & CompletionFlags.MORE) == 0) {
                    assertEquals(0, result, () -> "end of input, not " + Errno.describe(result));
                    endings[0]++;
                    return;
                }
                if (arrivals[0]++ % 2 == 0) {
                    ByteBuf buffer = port.takeReceived();
                    assertNotNull(buffer, "the port has a source");
                    taken.add(buffer);
                    assertEquals(result, buffer.readableBytes());
                    assertThrows(IllegalStateException.class, port::takeReceived, "taken twice");
                    got.get((int) key).add(buffer);
                } else {
                    got.get((int) key).add(copyReceived());
                }
            });
            writer.join();
            for (int i = 0; i < sockets; i++) {
                assertArrayEquals(sent[i], concatenate(got.get(i)), "stream " + i);
            }
            assertThrows(IllegalStateException.class, port::takeReceived, "outside a completion");
            assertTrue(arrivals[0] > 2 * sockets, "arrivals: " + arrivals[0]);
            port.close();
            assertEquals(source.allocated, source.released, "buffers the port allocated and did not release");
            // What was taken is the takers': its memory outlives the port.
            for (int i = 0; i < sockets; i++) {
                assertArrayEquals(sent[i], concatenate(got.get(i)), "stream " + i + " after the port closed");
            }
        } finally {
            for (ByteBuf buffer : taken) {
                buffer.release();
            }
        }
        for (ByteBuf buffer : taken) {
            assertEquals(0, buffer.refCnt(), "a taken buffer still referenced");
        }
    }

    /** A copy of the bytes of the stream receive completion being handled. */
    private byte[] copyReceived() {
        ByteBuffer bytes = port.receivedBytes();
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        return copy;
    }

    private static byte[] concatenate(List<Object> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof byte[] copy) {
                out.writeBytes(copy);
            } else {
                ByteBuf buffer = (ByteBuf) part;
                byte[] bytes = new byte[buffer.readableBytes()];
                buffer.getBytes(buffer.readerIndex(), bytes);
                out.writeBytes(bytes);
            }
        }
        return out.toByteArray();
    }

    /** Copied arrivals cost no new buffer: their memory is read into again. */
    @Test
    void arrivalsThatAreCopiedReuseTheirBuffers() throws Exception {
        CountingSource source = new CountingSource();
        use(port, source);
        port.submitReceiveStream(connect(0));
        byte[] sent = new byte[4 * 1024 * 1024];
        new SplittableRandom(3).nextBytes(sent);
        Thread writer = writeAll(new byte[][] {sent});
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        boolean[] ended = new boolean[1];
        dequeueUntil(() -> ended[0], (key, op, result, flags, id) -> {
            if ((flags & CompletionFlags.MORE) == 0) {
                ended[0] = true;
                return;
            }
            got.writeBytes(copyReceived());
        });
        writer.join();
        assertArrayEquals(sent, got.toByteArray());
        // (The ring may grow: more buffers, none replaced.)
        assertEquals(0, source.released, "buffers replaced (released) although nothing was taken from them; "
                + source.allocated + " allocated");
        assertTrue(source.allocated > 0, "the port received into the source's buffers");
    }

    /**
     * A source that fails to allocate a buffer after it has given some costs no data: the port
     * receives into its own memory for a while (those arrivals are copied), then goes back to
     * the source.
     */
    @Test
    void aSourceThatCannotAllocateForAWhileLosesNoData() throws Exception {
        CountingSource source = new CountingSource();
        source.refuseAfter = 1;
        source.refusals = 1;
        use(port, source);
        port.submitReceiveStream(connect(0));
        byte[] sent = new byte[16 * 1024 * 1024];
        new SplittableRandom(5).nextBytes(sent);
        Thread writer = writeAll(new byte[][] {sent});
        List<Object> got = new ArrayList<>();
        boolean[] ended = new boolean[1];
        int[] phase = new int[1]; // 0, 1 once an arrival was copied after one was taken, 2 once taken again
        try {
            dequeueUntil(() -> ended[0], (key, op, result, flags, id) -> {
                if ((flags & CompletionFlags.MORE) == 0) {
                    assertEquals(0, result, () -> Errno.describe(result));
                    ended[0] = true;
                    return;
                }
                ByteBuf taken = port.takeReceived(); // null while the port reads into its own memory
                if (taken != null) {
                    got.add(taken);
                    phase[0] = phase[0] == 1 ? 2 : phase[0];
                } else {
                    phase[0] = phase[0] == 0 && !got.isEmpty() ? 1 : phase[0];
                    got.add(copyReceived());
                }
            });
            writer.join();
            assertArrayEquals(sent, concatenate(got));
            assertEquals(0, source.refusals, "the source was never asked for a second buffer");
            assertEquals(2, phase[0], "arrivals taken, then copied (the source failed), then taken again");
        } finally {
            for (Object part : got) {
                if (part instanceof ByteBuf buffer) {
                    buffer.release();
                }
            }
        }
    }

    @Test
    void aSourceIsRefusedOnceAStreamReceiveWasArmedOrASourceIsSet() throws Exception {
        use(port, new CountingSource());
        assertThrows(IllegalStateException.class, () -> port.receiveBuffersFrom(new CountingSource()), "a second source");
        port.close();
        port = openPort(PortConfig.DEFAULT); // a port without a source
        acceptor.close();
        acceptor = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        port.submitReceiveStream(connect(0));
        assertThrows(IllegalStateException.class, () -> port.receiveBuffersFrom(new CountingSource()),
                "after the first stream receive");
        assertThrows(IllegalStateException.class, port::takeReceived, "outside a completion");
    }

    /**
     * A source that never gives a buffer (its allocator is out of memory, or gives memory the
     * kernel cannot fill) costs no data: the port receives into its own memory, and every arrival
     * is copied ({@code takeReceived} returns null).
     */
    @Test
    void aSourceThatNeverAllocatesCostsNoData() throws Exception {
        CountingSource source = new CountingSource();
        source.refuseAfter = 0;
        source.refusals = Integer.MAX_VALUE;
        use(port, source);
        port.submitReceiveStream(connect(0));
        byte[] sent = new byte[1024 * 1024];
        new SplittableRandom(11).nextBytes(sent);
        Thread writer = writeAll(new byte[][] {sent});
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        boolean[] ended = new boolean[1];
        dequeueUntil(() -> ended[0], (key, op, result, flags, id) -> {
            if ((flags & CompletionFlags.MORE) == 0) {
                assertEquals(0, result, () -> Errno.describe(result));
                ended[0] = true;
                return;
            }
            Object taken = port.takeReceived();
            assertTrue(taken == null, "an arrival in the port's own memory was handed on");
            got.writeBytes(copyReceived());
        });
        writer.join();
        assertArrayEquals(sent, got.toByteArray());
        assertEquals(0, source.allocated);
        assertTrue(source.refusals > Integer.MAX_VALUE - 4,
                "a source that never gave a buffer was asked again and again: " + (Integer.MAX_VALUE - source.refusals));
    }
}
