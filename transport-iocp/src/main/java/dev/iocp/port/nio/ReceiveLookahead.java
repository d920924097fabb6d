package dev.iocp.port.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Receives so that a completion can tell whether the socket still has input, for
 * {@link dev.iocp.port.CompletionFlags#INPUT_PENDING}, which io_uring reads from the socket
 * ({@code IORING_CQE_F_SOCK_NONEMPTY}) and java.nio cannot ask for. A full buffer only suggests
 * more is queued, and a guess would not do: a caller that goes on reading on the flag would
 * wait for data that is not coming, holding back its end-of-batch work (a flush, typically).
 *
 * <p>So each receive reads one byte more than it asks for, in the same read: if the byte comes,
 * input is pending, and the byte is kept with the socket ({@link SocketOperations#heldByte}) for
 * its next receive, which gets it first. An end of stream or an error is not kept: the socket
 * reports it again to the next read. Only the owner thread reads, so the port-wide buffers here
 * serve every socket.
 *
 * <p>How the byte is read depends on the window. A small one (request/response traffic) is read
 * into a port buffer one byte longer and copied into the caller's buffer: java.nio's scattering
 * read allocates two objects for each buffer that belongs to a memory session, as the buffers of
 * a {@code MemorySegment} do (Netty's direct buffers on recent JDKs), and a copy of a few hundred
 * bytes costs less. A large window is read in place, scattered over the window and a one-byte
 * buffer, where the copy would cost more than the allocation.
 */
final class ReceiveLookahead {
    /** Windows up to this size are read through {@link #small} and copied. */
    static final int SMALL_WINDOW = 4096;

    private final ByteBuffer small = ByteBuffer.allocateDirect(SMALL_WINDOW + 1);
    private final ByteBuffer oneByte = ByteBuffer.allocateDirect(1);
    private final ByteBuffer[] pair = new ByteBuffer[2];

    /**
     * Reads into {@code buffer[from, limit)} and one byte ahead, leaving the buffer's position
     * and limit as they were.
     *
     * @return bytes placed in the window, 0 if none were there, -1 at end of stream; the byte
     *         read ahead, if one came, is held by {@code socket}
     */
    int read(SocketChannel channel, SocketOperations socket, ByteBuffer buffer, int from, int limit) throws IOException {
        int window = limit - from;
        return window <= SMALL_WINDOW ? readSmall(channel, socket, buffer, from, window)
                : readInPlace(channel, socket, buffer, from, limit);
    }

    private int readSmall(SocketChannel channel, SocketOperations socket, ByteBuffer buffer, int from, int window)
            throws IOException {
        small.clear().limit(window + 1);
        int n = channel.read(small);
        if (n > window) {
            hold(socket, small.get(window));
            n = window;
        }
        if (n > 0) {
            buffer.put(from, small, 0, n);
        }
        return n;
    }

    private int readInPlace(SocketChannel channel, SocketOperations socket, ByteBuffer buffer, int from, int limit)
            throws IOException {
        int oldPosition = buffer.position();
        int oldLimit = buffer.limit();
        BufferWindows.set(buffer, from, limit);
        oneByte.clear();
        pair[0] = buffer;
        pair[1] = oneByte;
        long n;
        try {
            n = channel.read(pair);
        } finally {
            pair[0] = null;
            BufferWindows.set(buffer, oldPosition, oldLimit);
        }
        int window = limit - from;
        if (n > window) {
            hold(socket, oneByte.get(0));
            return window;
        }
        return (int) n;
    }

    /**
     * Reads one byte ahead for a socket whose receive was filled without a read (by the byte
     * it held), unless it holds one already.
     */
    void probe(SocketChannel channel, SocketOperations socket) {
        if (!socket.holdingByte) {
            oneByte.clear();
            try {
                if (channel.read(oneByte) == 1) {
                    hold(socket, oneByte.get(0));
                }
            } catch (IOException e) {
                // not kept: the next read meets the same error and reports it
            }
        }
    }

    private static void hold(SocketOperations socket, byte b) {
        socket.heldByte = b;
        socket.holdingByte = true;
    }

    /**
     * Hands the byte a socket holds, if any, to a receive: written at {@code index} without
     * moving the buffer's position.
     *
     * @return how many bytes were written (0 or 1)
     */
    static int takeInto(SocketOperations socket, ByteBuffer buffer, int index) {
        if (!socket.holdingByte) {
            return 0;
        }
        buffer.put(index, socket.heldByte);
        socket.holdingByte = false;
        return 1;
    }
}
