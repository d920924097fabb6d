package dev.iocp.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * What arrived for a channel while it was not reading, in arrival order, for its next read():
 * the buffers the port handed over (no copy), or copies of the bytes where it handed a view
 * (one copy each, as large as the arrival). Each buffer is later fired whole, so nothing is
 * copied again however many reads it takes. A channel makes one when it first holds input, so
 * a channel that never does holds nothing.
 */
final class HeldInput {
    private final ArrayDeque<ByteBuf> buffers = new ArrayDeque<>(4);

    boolean isEmpty() {
        return buffers.isEmpty();
    }

    /** Keeps {@code buffer}, which this now owns. */
    void add(ByteBuf buffer) {
        buffers.add(buffer);
    }

    /** Keeps a copy of {@code bytes}' remaining bytes, in a buffer from {@code allocator}; consumes them. */
    void copy(ByteBuffer bytes, ByteBufAllocator allocator) {
        ByteBuf copy = allocator.directBuffer(bytes.remaining());
        try {
            copy.writeBytes(bytes);
            add(copy);
        } catch (Throwable t) {
            copy.release();
            throw t;
        }
    }

    /** The oldest buffer held, still this one's, or null. */
    ByteBuf peek() {
        return buffers.peek();
    }

    /** The oldest buffer held, now the caller's, or null. */
    ByteBuf poll() {
        return buffers.poll();
    }

    @Override
    public String toString() {
        long bytes = 0;
        for (ByteBuf buffer : buffers) {
            bytes += buffer.readableBytes();
        }
        return "HeldInput[" + buffers.size() + " buffers, " + bytes + " bytes]";
    }

    /** Releases everything held (the channel closed). */
    void release() {
        ByteBuf buffer;
        while ((buffer = buffers.poll()) != null) {
            buffer.release();
        }
    }
}
