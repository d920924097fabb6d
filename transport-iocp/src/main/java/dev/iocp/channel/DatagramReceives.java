package dev.iocp.channel;

import io.netty.buffer.ByteBuf;

import java.util.function.LongConsumer;

/**
 * The receives a datagram channel has in flight, each with the buffer it receives into: several
 * at once, so that datagrams arriving back to back each find a receive waiting instead of
 * queueing in the socket until the channel re-arms. Their completions may come in any order, so
 * each is found by its operation id. The buffers are the channel's until a completion takes them.
 */
final class DatagramReceives {
    /** The most receives one channel keeps in flight, whatever its maxMessagesPerRead says. */
    static final int MAX_IN_FLIGHT = 64;

    private final long[] ids = new long[MAX_IN_FLIGHT];
    private final ByteBuf[] buffers = new ByteBuf[MAX_IN_FLIGHT];
    private int count;

    int inFlight() {
        return count;
    }

    boolean isFull() {
        return count == MAX_IN_FLIGHT;
    }

    /** A receive was submitted into {@code buffer}. */
    void add(long id, ByteBuf buffer) {
        if (isFull()) {
            throw new IllegalStateException(MAX_IN_FLIGHT + " receives in flight already");
        }
        ids[count] = id;
        buffers[count] = buffer;
        count++;
    }

    /**
     * The buffer of the receive {@code id}, which has completed: the caller owns it now.
     *
     * @return the buffer, or null when {@code id} is not a receive in flight here
     */
    ByteBuf take(long id) {
        for (int i = 0; i < count; i++) {
            if (ids[i] == id) {
                ByteBuf buffer = buffers[i];
                count--;
                ids[i] = ids[count];
                buffers[i] = buffers[count];
                buffers[count] = null;
                return buffer;
            }
        }
        return null;
    }

    /** Calls {@code action} with the id of each receive in flight (to cancel them). */
    void forEachId(LongConsumer action) {
        for (int i = 0; i < count; i++) {
            action.accept(ids[i]);
        }
    }
}
