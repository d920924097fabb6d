package dev.iocp.channel;

import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.ReferenceCountUtil;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the send in flight of an {@link IocpSocketChannel} refers to, kept so that the channel
 * can settle it when the send completes.
 * <ul>
 *   <li>Its buffers: {@link ChannelOutboundBuffer} caches one ByteBuffer per message and expects
 *       the writer to advance its position, as a java.nio write does; the port does not, so the
 *       channel {@linkplain #advance advances} them when the send completes.</li>
 *   <li>Messages {@linkplain #holdFlushed held} while the send still reads them after the
 *       outbound buffer let them go (a {@code shutdownOutput()} fails, and so releases, the
 *       flushed messages at once).</li>
 * </ul>
 */
final class SendInFlight {
    private ByteBuffer[] buffers = new ByteBuffer[16];
    private int count;
    private List<Object> held;

    /** Records the buffers just submitted. */
    void record(ByteBuffer[] source, int length) {
        if (buffers.length < length) {
            buffers = new ByteBuffer[Math.max(length, buffers.length * 2)];
        }
        System.arraycopy(source, 0, buffers, 0, length);
        count = length;
    }

    /** Moves the recorded buffers' positions past what the kernel took, as a nio write would. */
    void advance(long sent) {
        for (int i = 0; i < count && sent > 0; i++) {
            ByteBuffer buffer = buffers[i];
            int step = (int) Math.min(sent, buffer.remaining());
            buffer.position(buffer.position() + step);
            sent -= step;
        }
    }

    /** Forgets the recorded buffers; before anything can submit the next send. */
    void clear() {
        Arrays.fill(buffers, 0, count, null);
        count = 0;
    }

    /** Retains every flushed message of {@code in} until {@link #releaseHeld()}. */
    void holdFlushed(ChannelOutboundBuffer in) {
        List<Object> messages = held != null ? held : new ArrayList<>();
        try {
            in.forEachFlushedMessage(msg -> {
                messages.add(ReferenceCountUtil.retain(msg));
                return true;
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        held = messages;
    }

    /** The send completed: lets go of what {@link #holdFlushed} retained. */
    void releaseHeld() {
        if (held != null) {
            for (Object msg : held) {
                ReferenceCountUtil.release(msg);
            }
            held = null;
        }
    }
}
