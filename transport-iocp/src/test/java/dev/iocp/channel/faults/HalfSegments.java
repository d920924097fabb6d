package dev.iocp.channel.faults;

import dev.iocp.port.SendSegments;

import java.nio.ByteBuffer;

/**
 * The first half (at least one byte) of a send's segments: what a {@link Fault#SHORT} send
 * offers the kernel, so that it really sends fewer bytes.
 */
final class HalfSegments implements SendSegments {
    private final SendSegments whole;
    private final int count;
    private final int lastLength;

    private HalfSegments(SendSegments whole, int count, int lastLength) {
        this.whole = whole;
        this.count = count;
        this.lastLength = lastLength;
    }

    /** The first half of {@code whole}, or null when it offers fewer than two bytes. */
    static HalfSegments of(SendSegments whole) {
        long total = 0;
        for (int i = 0; i < whole.count(); i++) {
            total += whole.length(i);
        }
        if (total <= 1) {
            return null;
        }
        long left = Math.max(1, total / 2);
        int count = 0;
        int lastLength = 0;
        while (left > 0) {
            lastLength = (int) Math.min(left, whole.length(count));
            left -= lastLength;
            count++;
        }
        return new HalfSegments(whole, count, lastLength);
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public int length(int index) {
        return index == count - 1 ? lastLength : whole.length(index);
    }

    @Override
    public long address(int index) {
        return whole.address(index);
    }

    @Override
    public ByteBuffer buffer(int index) {
        ByteBuffer buffer = whole.buffer(index);
        if (index == count - 1) {
            // The port reads the window at once; a view keeps the caller's buffer as it is.
            buffer = buffer.duplicate();
            buffer.limit(buffer.position() + lastLength);
        }
        return buffer;
    }
}
