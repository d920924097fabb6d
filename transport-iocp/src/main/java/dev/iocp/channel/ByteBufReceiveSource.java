package dev.iocp.channel;

import dev.iocp.port.ReceiveBufferSource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A port's receive buffers from a channel allocator: what arrives is handed to the pipeline as a
 * slice of the buffer the kernel filled ({@link ByteBuf#retainedSlice}), with no copy. The port
 * holds one reference to each buffer; each slice holds another, so a buffer stays allocated while
 * a handler keeps any part of it.
 */
final class ByteBufReceiveSource implements ReceiveBufferSource<ByteBuf> {
    private final ByteBufAllocator allocator;

    ByteBufReceiveSource(ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    ByteBufAllocator allocator() {
        return allocator;
    }

    @Override
    public ByteBuf allocate(int capacity) {
        ByteBuf buffer = allocator.directBuffer(capacity, capacity);
        if (!buffer.isDirect() || buffer.nioBufferCount() != 1) {
            buffer.release();
            throw new IllegalStateException(allocator + " gave a receive buffer that is not one piece of native memory");
        }
        return buffer;
    }

    @Override
    public long address(ByteBuf buffer) {
        return buffer.hasMemoryAddress()
                ? buffer.memoryAddress()
                : MemorySegment.ofBuffer(buffer.nioBuffer(0, buffer.capacity())).address();
    }

    @Override
    public ByteBuffer view(ByteBuf buffer) {
        return buffer.nioBuffer(0, buffer.capacity()); // index 0 is the buffer's first byte
    }

    @Override
    public ByteBuf share(ByteBuf buffer, int offset, int length) {
        return buffer.retainedSlice(offset, length);
    }

    @Override
    public void release(ByteBuf buffer) {
        buffer.release();
    }

    @Override
    public String toString() {
        return "ByteBufReceiveSource[" + allocator + "]";
    }
}
