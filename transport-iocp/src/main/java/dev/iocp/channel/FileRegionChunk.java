package dev.iocp.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.FileRegion;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The part of a {@link FileRegion} being sent by copying: file data read into one direct buffer
 * of up to {@value #SIZE} bytes and sent as bytes, for the regions the port cannot send from
 * their file ({@link FileRegionSender}). The buffer is reused for the region's next parts; its
 * owner releases it when the region is done or fails, and, on a close, only once no send reads
 * from it any more.
 */
final class FileRegionChunk {
    private static final int SIZE = 64 * 1024;

    private final ByteBuffer[] single = new ByteBuffer[1];
    private ByteBuf chunk;

    /**
     * What to send next of {@code region}: the rest of the part read last, or, once that is sent,
     * the region's next part.
     *
     * @return one buffer to send, or null when the whole region has been sent
     * @throws IOException if the file cannot be read, or ends before the region does
     */
    ByteBuffer[] next(FileRegion region, ByteBufAllocator allocator) throws IOException {
        if (chunk == null || !chunk.isReadable()) {
            long left = region.count() - region.transferred();
            if (left <= 0) {
                return null;
            }
            int length = (int) Math.min(left, SIZE);
            if (chunk == null) {
                chunk = allocator.directBuffer(length);
            }
            chunk.clear();
            long read = region.transferTo(new ByteBufWritableChannel(chunk, length), region.transferred());
            if (read <= 0) {
                throw new IOException("file region ended after " + region.transferred() + " of " + region.count() + " bytes");
            }
        }
        single[0] = chunk.internalNioBuffer(chunk.readerIndex(), chunk.readableBytes());
        return single;
    }

    /** The kernel took {@code bytes} of what {@link #next} returned. */
    void sent(int bytes) {
        chunk.skipBytes(bytes);
    }

    /** Lets go of the buffer; a no-op when there is none. */
    void release() {
        single[0] = null;
        if (chunk != null) {
            chunk.release();
            chunk = null;
        }
    }
}
