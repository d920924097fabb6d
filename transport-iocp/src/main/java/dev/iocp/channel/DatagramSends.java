package dev.iocp.channel;

import java.util.function.LongConsumer;

/**
 * The datagrams a channel has in flight: submitted together from the head of its outbound
 * buffer, in order, and taken off it in that order. A later send may complete before an earlier
 * one (io_uring gives no order between requests), so a result waits here until every send before
 * it has one too; the outbound buffer's head is always the oldest send in flight.
 */
final class DatagramSends {
    /** The most sends one channel keeps in flight; a larger flush submits the rest as these complete. */
    static final int MAX_IN_FLIGHT = 64;

    private final long[] ids = new long[MAX_IN_FLIGHT];
    private final int[] results = new int[MAX_IN_FLIGHT];
    private final boolean[] done = new boolean[MAX_IN_FLIGHT];
    /** Ring positions: the oldest send in flight, and how many are. */
    private int head;
    private int count;

    int inFlight() {
        return count;
    }

    boolean isFull() {
        return count == MAX_IN_FLIGHT;
    }

    /** A send was submitted for the flushed message after those in flight. */
    void submitted(long id) {
        if (isFull()) {
            throw new IllegalStateException(MAX_IN_FLIGHT + " sends in flight already");
        }
        int at = (head + count) % MAX_IN_FLIGHT;
        ids[at] = id;
        done[at] = false;
        count++;
    }

    /**
     * Keeps the result of send {@code id}, to be {@linkplain #takeHead taken} in order.
     *
     * @return false when {@code id} is not a send in flight here
     */
    boolean completed(long id, int result) {
        for (int i = 0; i < count; i++) {
            int at = (head + i) % MAX_IN_FLIGHT;
            if (ids[at] == id && !done[at]) {
                done[at] = true;
                results[at] = result;
                return true;
            }
        }
        return false;
    }

    /** Whether the oldest send in flight has its result. */
    boolean headDone() {
        return count > 0 && done[head];
    }

    /** Takes the oldest send's result off; {@link #headDone()} must be true. */
    int takeHead() {
        if (!headDone()) {
            throw new IllegalStateException("the oldest send has not completed");
        }
        int result = results[head];
        head = (head + 1) % MAX_IN_FLIGHT;
        count--;
        return result;
    }

    /** Calls {@code action} with the id of each send still waiting for its result (to cancel them). */
    void forEachPending(LongConsumer action) {
        for (int i = 0; i < count; i++) {
            int at = (head + i) % MAX_IN_FLIGHT;
            if (!done[at]) {
                action.accept(ids[at]);
            }
        }
    }
}
