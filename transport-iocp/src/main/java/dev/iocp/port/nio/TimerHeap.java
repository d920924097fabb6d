package dev.iocp.port.nio;

import java.util.Arrays;

/**
 * The port's pending timeouts, by deadline: a binary min-heap of operation slots. The port
 * waits for readiness no longer than the earliest deadline and expires what is due on each
 * dequeue. Each slot remembers where it sits in the heap, so a cancelled timer leaves in
 * O(log n). Deadlines are {@link System#nanoTime()} values, compared by difference so that the
 * clock's wrap-around does not matter.
 */
final class TimerHeap {
    /** Timers far beyond any practical wait are clamped so that deadline differences never overflow. */
    private static final long MAX_DELAY = Long.MAX_VALUE >> 2;

    private int[] slots = new int[16];
    private long[] deadlines = new long[16];
    private int size;
    /** Heap index of each operation slot that is a pending timer; indexed by slot. */
    private int[] indexOfSlot = new int[0];

    boolean isEmpty() {
        return size == 0;
    }

    /** Adds a timer for {@code slot}, due {@code delayNanos} after {@code now}. */
    void add(int slot, long now, long delayNanos) {
        if (slot >= indexOfSlot.length) {
            indexOfSlot = Arrays.copyOf(indexOfSlot, Math.max(slot + 1, indexOfSlot.length * 2));
        }
        if (size == slots.length) {
            slots = Arrays.copyOf(slots, size * 2);
            deadlines = Arrays.copyOf(deadlines, size * 2);
        }
        int at = size++;
        slots[at] = slot;
        deadlines[at] = now + Math.min(delayNanos, MAX_DELAY);
        indexOfSlot[slot] = at;
        siftUp(at);
    }

    /** The earliest deadline; only when not empty. */
    long nextDeadline() {
        return deadlines[0];
    }

    /** Removes and returns the slot of a timer due at {@code now}, or -1 if none is. */
    int pollExpired(long now) {
        if (size == 0 || deadlines[0] - now > 0) {
            return -1;
        }
        int slot = slots[0];
        removeAt(0);
        return slot;
    }

    /** Removes a pending timer (it was cancelled). */
    void remove(int slot) {
        removeAt(indexOfSlot[slot]);
    }

    void clear() {
        size = 0;
    }

    private void removeAt(int at) {
        int last = --size;
        if (at != last) {
            move(last, at);
            siftDown(at);
            siftUp(at);
        }
    }

    private void siftUp(int at) {
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            if (deadlines[parent] - deadlines[at] <= 0) {
                return;
            }
            swap(at, parent);
            at = parent;
        }
    }

    private void siftDown(int at) {
        for (;;) {
            int child = 2 * at + 1;
            if (child >= size) {
                return;
            }
            if (child + 1 < size && deadlines[child + 1] - deadlines[child] < 0) {
                child++;
            }
            if (deadlines[at] - deadlines[child] <= 0) {
                return;
            }
            swap(at, child);
            at = child;
        }
    }

    private void swap(int a, int b) {
        int slot = slots[a];
        long deadline = deadlines[a];
        move(b, a);
        slots[b] = slot;
        deadlines[b] = deadline;
        indexOfSlot[slot] = b;
    }

    private void move(int from, int to) {
        slots[to] = slots[from];
        deadlines[to] = deadlines[from];
        indexOfSlot[slots[to]] = to;
    }
}
