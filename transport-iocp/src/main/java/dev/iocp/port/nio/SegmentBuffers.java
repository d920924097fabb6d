package dev.iocp.port.nio;

import dev.iocp.port.SendSegments;
import dev.iocp.port.internal.SubmissionChecks;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The buffers of a send's {@link SendSegments}, with the window (position, limit) each had when
 * the port asked for it: read before the port takes a slot, so that anything the caller's code
 * throws leaves nothing behind, and window by window, so that a caller may hand out one buffer
 * object for several segments. The arrays are reused from send to send.
 */
final class SegmentBuffers {
    private ByteBuffer[] buffers = new ByteBuffer[8];
    /** Position and limit of each buffer, in pairs. */
    private int[] windows = new int[16];
    private int count;

    /**
     * Checks the segments and takes their buffers and windows.
     *
     * @return how many segments there are
     * @throws NullPointerException for a segment without a buffer
     */
    int stage(SendSegments segments) {
        int n = SubmissionChecks.segments(segments);
        if (n > buffers.length) {
            buffers = new ByteBuffer[Math.max(n, buffers.length * 2)];
            windows = new int[2 * buffers.length];
        }
        count = n;
        for (int i = 0; i < n; i++) {
            ByteBuffer buffer = segments.buffer(i);
            if (buffer == null) {
                clear();
                throw new NullPointerException("segment " + i + " has no buffer");
            }
            buffers[i] = buffer;
            windows[2 * i] = buffer.position();
            windows[2 * i + 1] = buffer.limit();
        }
        return n;
    }

    ByteBuffer[] buffers() {
        return buffers;
    }

    int[] windows() {
        return windows;
    }

    /** Lets go of the buffers staged last; once the operation table holds them. */
    void clear() {
        Arrays.fill(buffers, 0, count, null);
        count = 0;
    }
}
