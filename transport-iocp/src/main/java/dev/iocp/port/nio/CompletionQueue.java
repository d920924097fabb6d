package dev.iocp.port.nio;

/**
 * Completions waiting to be dequeued, first in first out: what the kernel's completion queue
 * is to io_uring. Every finished operation is queued here, whether its I/O happened while
 * issuing, on readiness, or it was cancelled, so that handlers only ever run from
 * {@link NioPort#dequeue}. A ring of primitive arrays that grows as needed: queueing allocates
 * nothing once it has grown to the burst size.
 */
final class CompletionQueue {
    /**
     * Flags of an entry that is not a completion yet: a stream receive's socket was reported
     * readable, and the port reads it when it gets to the entry ({@link StreamReceives}). Never
     * handed to a handler; no flag of {@link dev.iocp.port.CompletionFlags} has this bit.
     */
    static final int READ_AT_DELIVERY = 1 << 30;

    private long[] ids = new long[256];
    private int[] results = new int[256];
    private int[] flags = new int[256];
    private int head;
    private int size;

    void add(long id, int result, int flagBits) {
        if (size == ids.length) {
            grow();
        }
        int at = (head + size) & (ids.length - 1);
        ids[at] = id;
        results[at] = result;
        flags[at] = flagBits;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    long headId() {
        return ids[head];
    }

    int headResult() {
        return results[head];
    }

    int headFlags() {
        return flags[head];
    }

    void removeHead() {
        head = (head + 1) & (ids.length - 1);
        size--;
    }

    void clear() {
        head = 0;
        size = 0;
    }

    private void grow() {
        int capacity = ids.length * 2;
        long[] newIds = new long[capacity];
        int[] newResults = new int[capacity];
        int[] newFlags = new int[capacity];
        for (int i = 0; i < size; i++) {
            int at = (head + i) & (ids.length - 1);
            newIds[i] = ids[at];
            newResults[i] = results[at];
            newFlags[i] = flags[at];
        }
        ids = newIds;
        results = newResults;
        flags = newFlags;
        head = 0;
    }
}
