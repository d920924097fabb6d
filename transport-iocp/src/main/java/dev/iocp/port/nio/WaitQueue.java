package dev.iocp.port.nio;

/**
 * Operations waiting their turn, first submitted first served: those of one kind on one socket
 * (its accepts, its receives, ...), or the port's cancels and closes: a doubly-linked list threaded through the {@link OperationTable}'s
 * link arrays, so queueing allocates nothing and a cancelled operation leaves from the middle
 * in constant time. A slot is in at most one queue at a time.
 */
final class WaitQueue {
    private int head = -1;
    private int tail = -1;

    boolean isEmpty() {
        return head < 0;
    }

    /** The oldest waiting operation's slot, or -1. */
    int peek() {
        return head;
    }

    void add(OperationTable table, int slot) {
        table.next[slot] = -1;
        table.previous[slot] = tail;
        if (tail >= 0) {
            table.next[tail] = slot;
        } else {
            head = slot;
        }
        tail = slot;
    }

    /** Removes and returns the oldest waiting operation's slot, or -1. */
    int poll(OperationTable table) {
        int slot = head;
        if (slot >= 0) {
            remove(table, slot);
        }
        return slot;
    }

    /** Forgets every slot: the table is being emptied. */
    void clear() {
        head = -1;
        tail = -1;
    }

    /** Unlinks a slot that is in this queue. */
    void remove(OperationTable table, int slot) {
        int before = table.previous[slot];
        int after = table.next[slot];
        if (before >= 0) {
            table.next[before] = after;
        } else {
            head = after;
        }
        if (after >= 0) {
            table.previous[after] = before;
        } else {
            tail = before;
        }
    }
}
