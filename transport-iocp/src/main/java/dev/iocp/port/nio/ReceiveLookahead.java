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
 * <p>So each receive reads one byte more than it asks for, in the same scattering read: the
 * receive's window, then a one-byte buffer. If the byte comes, input is pending, and the byte
 * is kept with the socket ({@link SocketOperations#heldByte}) for its next receive, which gets
 * it first. An end of stream or an error is not kept: the socket reports it again to the next
 * read. One port-wide byte buffer serves every socket, as only the owner thread reads.
 */
final class ReceiveLookahead {
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
            hold(socket);
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
                    hold(socket);
                }
            } catch (IOException e) {
                // not kept: the next read meets the same error and reports it
            }
        }
    }

    private void hold(SocketOperations socket) {
        socket.heldByte = oneByte.get(0);
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
