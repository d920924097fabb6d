package dev.iocp.port.internal;

import dev.iocp.port.CompletionHandler;
import dev.iocp.port.CompletionPort;
import dev.iocp.port.Operation;

import java.util.Arrays;

/**
 * Completions posted from any thread, waiting for the owner to dequeue them: a backend
 * building block for {@link CompletionPort#post}.
 *
 * <p>Two growable arrays swapped under a lock rather than a lock-free linked queue: a post then
 * allocates nothing once the arrays have grown to the burst size, posts keep their order, and
 * the owner takes a whole batch with one lock acquisition.
 */
public final class PostQueue {
    private long[] keys = new long[64];
    private int[] values = new int[64];
    private int size;
    /** size, readable without the lock: the owner checks it on every dequeue. */
    private volatile int queued;

    private long[] drainKeys = new long[64];
    private int[] drainValues = new int[64];
    private int drainSize;
    private int drainIndex;

    /** Adds a packet; any thread. */
    public void add(long key, int value) {
        synchronized (this) {
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            keys[size] = key;
            values[size] = value;
            size++;
            queued = size;
        }
    }

    /** Whether packets wait; owner thread. Racy by design: a concurrent add also wakes the owner. */
    public boolean isEmpty() {
        return drainIndex == drainSize && queued == 0;
    }

    /**
     * Delivers up to {@code max} packets to the handler as {@link Operation#POST} completions;
     * owner thread. Packets not delivered stay queued, in order.
     *
     * @return how many were delivered
     */
    public int drain(CompletionHandler handler, int max) {
        if (drainIndex == drainSize) {
            swap();
        }
        int delivered = 0;
        while (delivered < max && drainIndex < drainSize) {
            int i = drainIndex++;
            delivered++;
            handler.onCompletion(drainKeys[i], Operation.POST, drainValues[i], 0, 0L);
        }
        return delivered;
    }

    private void swap() {
        synchronized (this) {
            long[] k = drainKeys;
            int[] v = drainValues;
            drainKeys = keys;
            drainValues = values;
            drainSize = size;
            keys = k;
            values = v;
            size = 0;
            queued = 0;
        }
        drainIndex = 0;
    }
}
