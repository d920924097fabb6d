package dev.iocp.channel;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A channel that writes into a {@link ByteBuf}, up to a limit: how a {@code FileRegion}'s bytes
 * are read into direct memory to be sent.
 */
final class ByteBufWritableChannel implements WritableByteChannel {
    private final ByteBuf target;
    private final int limit;

    ByteBufWritableChannel(ByteBuf target, int limit) {
        this.target = target;
        this.limit = limit;
    }

    @Override
    public int write(ByteBuffer src) {
        int room = limit - target.writerIndex();
        int length = Math.min(room, src.remaining());
        if (length <= 0) {
            return 0;
        }
        target.ensureWritable(length);
        ByteBuffer slice = src.slice(src.position(), length);
        target.writeBytes(slice);
        src.position(src.position() + length);
        return length;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
    }
}
