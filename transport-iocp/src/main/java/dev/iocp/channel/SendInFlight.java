package dev.iocp.channel;

import io.netty.channel.ChannelOutboundBuffer;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The buffers of the send in flight of an {@link IocpSocketChannel}: {@link ChannelOutboundBuffer}
 * caches one ByteBuffer per message and expects the writer to advance its position, as a
 * java.nio write does; the port does not, so the channel {@linkplain #advance advances} them when
 * the send completes.
 */
final class SendInFlight {
    private ByteBuffer[] buffers = new ByteBuffer[16];
    private int count;

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
}
