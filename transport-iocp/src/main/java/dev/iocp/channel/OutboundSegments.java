package dev.iocp.channel;

import dev.iocp.port.SendSegments;
import dev.iocp.port.internal.SubmissionChecks;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOutboundBuffer;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The flushed {@link ByteBuf}s at the head of a channel's {@link ChannelOutboundBuffer}, as the
 * segments of its next send: each buffer's readable bytes, in order, up to a byte limit and
 * {@link SubmissionChecks#MAX_GATHERED_BUFFERS} segments.
 *
 * <p>Nothing is made per message. A buffer with a native address ({@code hasMemoryAddress()}: the
 * direct buffers of Netty's allocators, on JDK 25 too) gives its segment as
 * {@code memoryAddress() + readerIndex()}, which is all the io_uring backend asks for; a
 * {@code ByteBuffer} view ({@code internalNioBuffer}, which Netty's buffers cache) is asked for
 * only by the nio backend, or for a buffer without an address, whose address is then that of
 * the view. Unlike {@code ChannelOutboundBuffer.nioBuffers()}, this keeps no view between sends:
 * each send reads the buffers' reader indexes afresh, so a partial send needs no positions
 * moved, only {@code removeBytes}. It follows that nothing may be collected while
 * {@code removeBytes} is under way: until it returns, the messages after the one it is removing
 * still have bytes readable that were sent (the channel submits no send from the promises and
 * writability events the removal fires).
 *
 * <p>The channel collects, submits, then {@linkplain #clear clears}: between sends this holds no
 * buffer. The memory stays the outbound buffer's, which releases it only when the send's
 * completion removes the bytes sent.
 */
final class OutboundSegments implements SendSegments, ChannelOutboundBuffer.MessageProcessor {
    private static final int MAX = SubmissionChecks.MAX_GATHERED_BUFFERS;

    /** The buffer of each segment, or null for a part of a buffer with several (then in {@link #views}). */
    private ByteBuf[] owners = new ByteBuf[16];
    private int[] indexes = new int[16];
    private int[] lengths = new int[16];
    /** Views made so far, by segment; the only form of a part of a buffer with several. */
    private ByteBuffer[] views = new ByteBuffer[16];
    private int count;
    /** The messages the segments come from, one entry per message. */
    private ByteBuf[] messages = new ByteBuf[16];
    private int messageCount;
    private long bytes;
    private long maxBytes;

    /**
     * Collects the flushed ByteBufs at the head of {@code in}, stopping before anything that is
     * not one (a FileRegion), before the segment limit, and before {@code maxBytes} would be
     * passed (the first buffer is always taken whole).
     *
     * @return the number of segments: 0 when the head of the buffer is not a readable ByteBuf
     */
    int collect(ChannelOutboundBuffer in, long maxBytes) {
        clear();
        this.maxBytes = maxBytes;
        try {
            in.forEachFlushedMessage(this);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            // forEachFlushedMessage declares Exception for processors that throw it; this one does not.
            throw new IllegalStateException(e);
        }
        return count;
    }

    /** Takes one flushed message; false stops the walk. */
    @Override
    public boolean processMessage(Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            return false;
        }
        int readable = buf.readableBytes();
        if (readable == 0) {
            return true;
        }
        if (count > 0 && bytes + readable > maxBytes) {
            return false;
        }
        int parts = buf.nioBufferCount();
        if (parts == 1) {
            add(buf, buf.readerIndex(), readable, null);
        } else {
            // A composite buffer: one segment per component. filterOutboundMessage has copied any
            // buffer of more than MAX parts, so a buffer that does not fit here fits the next send.
            if (count + parts > MAX) {
                return false;
            }
            for (ByteBuffer part : buf.nioBuffers(buf.readerIndex(), readable)) {
                add(null, 0, part.remaining(), part);
            }
        }
        bytes += readable;
        if (messageCount == messages.length) {
            messages = Arrays.copyOf(messages, messageCount * 2);
        }
        messages[messageCount++] = buf;
        return count < MAX;
    }

    private void add(ByteBuf owner, int index, int length, ByteBuffer view) {
        if (count == owners.length) {
            int capacity = Math.min(MAX, count * 2);
            owners = Arrays.copyOf(owners, capacity);
            indexes = Arrays.copyOf(indexes, capacity);
            lengths = Arrays.copyOf(lengths, capacity);
            views = Arrays.copyOf(views, capacity);
        }
        owners[count] = owner;
        indexes[count] = index;
        lengths[count] = length;
        views[count] = view;
        count++;
    }

    /** The bytes collected. */
    long bytes() {
        return bytes;
    }

    /** How many messages the segments come from. */
    int messageCount() {
        return messageCount;
    }

    /** Message {@code index}, in order. */
    ByteBuf message(int index) {
        return messages[index];
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public int length(int index) {
        return lengths[index];
    }

    @Override
    public long address(int index) {
        ByteBuf owner = owners[index];
        if (owner != null && owner.hasMemoryAddress()) {
            return owner.memoryAddress() + indexes[index];
        }
        // A segment over a buffer starts at its position.
        return MemorySegment.ofBuffer(buffer(index)).address();
    }

    @Override
    public ByteBuffer buffer(int index) {
        ByteBuffer view = views[index];
        if (view == null) {
            // Netty's buffers hand out one cached view, set to the window asked for; the port
            // reads the window before it asks for the next segment's.
            view = owners[index].internalNioBuffer(indexes[index], lengths[index]);
        }
        return view;
    }

    /** Forgets the segments: the port has read them, and the outbound buffer holds the memory. */
    void clear() {
        if (count > 0) {
            Arrays.fill(owners, 0, count, null);
            Arrays.fill(views, 0, count, null);
            Arrays.fill(messages, 0, messageCount, null);
            count = 0;
            messageCount = 0;
        }
        bytes = 0;
    }
}
