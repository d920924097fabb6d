package dev.iocp.port;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link SendSegments} over windows of one direct buffer, by address and as views. Once
 * {@linkplain #retire retired} every method throws, so a port that reads the segments after its
 * submit call returned is caught.
 */
public final class WindowSegments implements SendSegments {
    private final ByteBuffer memory;
    private final long base;
    private final List<int[]> windows = new ArrayList<>();
    private boolean retired;

    public WindowSegments(ByteBuffer memory) {
        this.memory = memory;
        this.base = MemorySegment.ofBuffer(memory.duplicate().clear()).address();
    }

    /** Adds the segment {@code [from, from+length)} of the buffer. */
    public WindowSegments add(int from, int length) {
        windows.add(new int[] {from, length});
        return this;
    }

    /** Cuts {@code bytes} bytes into segments of {@code size} bytes (the last may be shorter), from {@code from}. */
    public WindowSegments split(int from, int bytes, int size) {
        for (int at = from; at < from + bytes; at += size) {
            add(at, Math.min(size, from + bytes - at));
        }
        return this;
    }

    /** From now on, any use is a failure. */
    public void retire() {
        retired = true;
    }

    public int bytes() {
        return windows.stream().mapToInt(w -> w[1]).sum();
    }

    private int[] window(int index) {
        if (retired) {
            throw new IllegalStateException("segments read after their send was submitted");
        }
        return windows.get(index);
    }

    @Override
    public int count() {
        if (retired) {
            throw new IllegalStateException("segments read after their send was submitted");
        }
        return windows.size();
    }

    @Override
    public int length(int index) {
        return window(index)[1];
    }

    @Override
    public long address(int index) {
        return base + window(index)[0];
    }

    @Override
    public ByteBuffer buffer(int index) {
        int[] w = window(index);
        return memory.duplicate().clear().limit(w[0] + w[1]).position(w[0]);
    }

    /** The buffer the windows are cut from. */
    public ByteBuffer memory() {
        return memory;
    }
}
