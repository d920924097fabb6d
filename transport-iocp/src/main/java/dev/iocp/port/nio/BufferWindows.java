package dev.iocp.port.nio;

import java.nio.ByteBuffer;

/**
 * Points a caller's buffer at the window an operation was submitted with, for the length of
 * one read or write, and back. The port records the window at submission (so a later change
 * by the caller does not matter) and java.nio reads and writes from a buffer's position, moving
 * it; this puts the position back, so the caller never sees it move.
 */
final class BufferWindows {
    private BufferWindows() {
    }

    /** Sets position and limit, in whichever order keeps each step valid. */
    static void set(ByteBuffer buffer, int position, int limit) {
        if (position > buffer.limit()) {
            buffer.limit(limit).position(position);
        } else {
            buffer.position(position).limit(limit);
        }
    }
}
