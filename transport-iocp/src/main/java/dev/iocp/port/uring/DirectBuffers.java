package dev.iocp.port.uring;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/** Native addresses of direct buffers, which is what the kernel is handed. */
final class DirectBuffers {
    private DirectBuffers() {
    }

    /**
     * The address of {@code buffer}'s position.
     *
     * @throws IllegalArgumentException for a heap buffer: its memory can move, so the kernel
     *                                  cannot be given its address
     */
    static long address(ByteBuffer buffer) {
        requireDirect(buffer);
        // A segment over a buffer starts at the buffer's position. The segment does not escape,
        // so C2 removes it (JFR allocation samples of a send-heavy run show none).
        return MemorySegment.ofBuffer(buffer).address();
    }

    /**
     * Refuses a heap buffer: its memory can move, so the kernel cannot be given its address.
     *
     * @throws IllegalArgumentException for a heap buffer
     */
    static void requireDirect(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("io_uring needs direct buffers (the kernel is handed their address); got "
                    + buffer);
        }
    }

    /**
     * Refuses a heap buffer among the first {@code count}, as {@link #requireDirect(ByteBuffer)}.
     *
     * @throws IllegalArgumentException for a heap buffer, its index named
     */
    static void requireDirect(ByteBuffer[] buffers, int count) {
        for (int i = 0; i < count; i++) {
            if (!buffers[i].isDirect()) {
                throw new IllegalArgumentException("io_uring needs direct buffers (the kernel is handed their address); "
                        + "got buffers[" + i + "] = " + buffers[i]);
            }
        }
    }
}
