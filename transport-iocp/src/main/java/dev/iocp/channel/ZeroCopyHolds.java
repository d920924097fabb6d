package dev.iocp.channel;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * The messages of a channel's zero-copy sends whose memory the kernel still reads, by operation.
 *
 * <p>A zero-copy send completes twice: with its result, and later, once the kernel has let go of
 * the memory (the peer acknowledged the data), with its last completion. The write is done at the
 * result: the outbound buffer removes the bytes sent, releases the messages and completes their
 * promises then, and the next send goes out without waiting for the peer. So each message of a
 * zero-copy send is retained here when the send is submitted, and released at the send's last
 * completion: until then its memory can be neither freed nor reused. (Netty's io_uring channels
 * keep such references in a WriteOperationTracker.) The last completions of different sends may
 * come in any order.
 *
 * <p>Holds are kept in arrays reused from send to send; only zero-copy sends use them.
 */
final class ZeroCopyHolds {
    private long[] ids = new long[4];
    private ByteBuf[][] messages = new ByteBuf[4][];
    private int[] counts = new int[4];
    private int size;

    /** Retains the messages of {@code segments}, just submitted zero-copy as operation {@code id}. */
    void hold(long id, OutboundSegments segments) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
            messages = Arrays.copyOf(messages, size * 2);
            counts = Arrays.copyOf(counts, size * 2);
        }
        int n = segments.messageCount();
        ByteBuf[] held = messages[size];
        if (held == null || held.length < n) {
            held = new ByteBuf[Math.max(n, 8)];
            messages[size] = held;
        }
        for (int i = 0; i < n; i++) {
            held[i] = segments.message(i).retain();
        }
        ids[size] = id;
        counts[size] = n;
        size++;
    }

    /**
     * The kernel has let go of the memory of operation {@code id} (its last completion): releases
     * what it held. A no-op for an operation that holds nothing (a copying send).
     */
    void release(long id) {
        for (int i = 0; i < size; i++) {
            if (ids[i] == id) {
                releaseMessages(i);
                // Move the last entry (and its reusable array) into this place.
                size--;
                ByteBuf[] freed = messages[i];
                ids[i] = ids[size];
                counts[i] = counts[size];
                messages[i] = messages[size];
                messages[size] = freed;
                return;
            }
        }
    }

    /** Releases everything: no completion will come any more (the channel is unregistered). */
    void releaseAll() {
        for (int i = 0; i < size; i++) {
            releaseMessages(i);
        }
        size = 0;
    }

    /**
     * Lets go of every hold without releasing it: the sends' last completions will never come
     * (the port was closed before they did), so the kernel may still read the memory, which must
     * not go back to a pool that would hand it out again. Returns how many messages were dropped.
     */
    int abandonAll() {
        int dropped = 0;
        for (int i = 0; i < size; i++) {
            ByteBuf[] held = messages[i];
            for (int j = 0; j < counts[i]; j++) {
                held[j] = null;
                dropped++;
            }
        }
        size = 0;
        return dropped;
    }

    private void releaseMessages(int entry) {
        ByteBuf[] held = messages[entry];
        for (int j = 0; j < counts[entry]; j++) {
            held[j].release();
            held[j] = null;
        }
    }

    /** Zero-copy sends whose memory the kernel still holds. */
    int size() {
        return size;
    }
}
