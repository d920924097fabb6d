package dev.iocp.channel;

import dev.iocp.port.Errno;

import java.util.function.LongConsumer;

/**
 * The datagrams a channel has in flight: submitted together from the head of its outbound
 * buffer, in order, and taken off it in that order. A later send may complete before an earlier
 * one (io_uring gives no order between requests), so a result waits here until every send before
 * it has one too. Each send keeps the message it was submitted for: the outbound buffer may hold
 * cancelled entries (passed over, never sent) before it, and those are told apart by identity.
 * A message that could not even be submitted is kept here too, already done, with the failure
 * its promise fails with, so that promises still complete in write order.
 *
 * <p>A send of a batch ({@link DatagramSendBatch}) that the kernel cancelled without the channel
 * asking was never sent: the batch's chain broke at an earlier send. It is {@linkplain
 * #headUnsent unsent}, not failed: its message goes again, with the next batch.
 */
final class DatagramSends {
    /** The most sends one channel keeps in flight; a larger flush submits the rest as these complete. */
    static final int MAX_IN_FLIGHT = 64;

    private final long[] ids = new long[MAX_IN_FLIGHT];
    private final Object[] messages = new Object[MAX_IN_FLIGHT];
    private final Throwable[] failures = new Throwable[MAX_IN_FLIGHT];
    private final int[] results = new int[MAX_IN_FLIGHT];
    private final boolean[] done = new boolean[MAX_IN_FLIGHT];
    /** Whether the channel asked to cancel the send: its -ECANCELED is then the cancellation's. */
    private final boolean[] cancelAsked = new boolean[MAX_IN_FLIGHT];
    /** Whether the send was the first of its batch: nothing was in flight when it was submitted. */
    private final boolean[] batchFirst = new boolean[MAX_IN_FLIGHT];
    /** Whether a send of the batch being taken off was left unsent: the batch's chain broke before it. */
    private boolean unsentInBatch;
    /** Ring positions: the oldest send in flight, and how many are. */
    private int head;
    private int count;

    int inFlight() {
        return count;
    }

    boolean isFull() {
        return count == MAX_IN_FLIGHT;
    }

    /** A send was submitted for the flushed {@code message} after those in flight. */
    void submitted(long id, Object message) {
        int at = add(message);
        ids[at] = id;
        done[at] = false;
    }

    /**
     * The flushed {@code message} after those in flight could not be submitted: it is done at
     * once, and its promise fails with {@code cause} when the sends before it have completed.
     */
    void failed(Object message, Throwable cause) {
        int at = add(message);
        ids[at] = 0;
        done[at] = true;
        failures[at] = cause;
    }

    private int add(Object message) {
        if (isFull()) {
            throw new IllegalStateException(MAX_IN_FLIGHT + " sends in flight already");
        }
        int at = (head + count) % MAX_IN_FLIGHT;
        messages[at] = message;
        failures[at] = null;
        cancelAsked[at] = false;
        batchFirst[at] = count == 0;
        count++;
        return at;
    }

    /** Whether {@code message} is one of the sends here (in flight or done but not yet taken). */
    boolean holds(Object message) {
        for (int i = 0; i < count; i++) {
            if (messages[(head + i) % MAX_IN_FLIGHT] == message) {
                return true;
            }
        }
        return false;
    }

    /** The message of the oldest send; {@link #inFlight()} must be above 0. */
    Object headMessage() {
        if (count == 0) {
            throw new IllegalStateException("no send in flight");
        }
        return messages[head];
    }

    /** The failure of the oldest send when it could not be submitted, else null. */
    Throwable headFailure() {
        return count > 0 ? failures[head] : null;
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

    /**
     * Whether the oldest send has its result, and it is that the send was never sent, so that its
     * message is to go again. io_uring cancels the rest of a chain whose link did not succeed,
     * so a send the channel did not ask to cancel that ends with {@code -ECANCELED} was not sent
     * when the chain broke before it: at a send that failed, or that the port re-armed (alone:
     * its own result may still be a success, so the channel cannot see the break), or at a send
     * that failed at preparation, whose errno is its own and which also cancels the sends of the
     * chain before it; that one, an error after an unsent send, is unsent too. The first send of
     * a batch has nothing before it: a cancellation the channel did not ask for (the chain failed
     * at preparation) fails it, so that every batch takes at least its first message off, and a
     * batch that cannot be prepared is not submitted again, the same, for ever.
     */
    boolean headUnsent() {
        if (!headDone() || failures[head] != null || batchFirst[head] || cancelAsked[head]) {
            return false;
        }
        int result = results[head];
        return result == -Errno.ECANCELED || result < 0 && unsentInBatch;
    }

    /** Whether the channel asked to cancel the oldest send (its -ECANCELED is then the cancellation's). */
    boolean headCancelAsked() {
        return count > 0 && cancelAsked[head];
    }

    /**
     * Takes the oldest send's result off (meaningless for one that {@linkplain #failed failed at
     * submission}: read {@link #headFailure()} first); {@link #headDone()} must be true.
     *
     * @throws IllegalStateException after taking it off, when it was sent although a send before
     *                               it in its batch was {@linkplain #headUnsent unsent}: the chain
     *                               did not stop there, so that one's message, sent again, would
     *                               leave after this one, and may have gone already
     */
    int takeHead() {
        if (!headDone()) {
            throw new IllegalStateException("the oldest send has not completed");
        }
        int result = results[head];
        if (batchFirst[head]) {
            unsentInBatch = false;
        }
        boolean sentAfterUnsent = unsentInBatch && failures[head] == null && result >= 0;
        unsentInBatch |= headUnsent();
        messages[head] = null;
        failures[head] = null;
        head = (head + 1) % MAX_IN_FLIGHT;
        count--;
        if (sentAfterUnsent) {
            throw new IllegalStateException("a send of a batch succeeded after one the kernel cancelled unsent");
        }
        return result;
    }

    /** Cancels each send still waiting for its result: calls {@code action} with its id. */
    void cancelPending(LongConsumer action) {
        for (int i = 0; i < count; i++) {
            int at = (head + i) % MAX_IN_FLIGHT;
            if (!done[at]) {
                cancelAsked[at] = true;
                action.accept(ids[at]);
            }
        }
    }
}
