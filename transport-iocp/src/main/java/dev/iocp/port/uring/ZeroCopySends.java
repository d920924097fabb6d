package dev.iocp.port.uring;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static dev.iocp.port.uring.sys.LinuxConstants.IORING_CQE_F_MORE;
import static dev.iocp.port.uring.sys.LinuxConstants.IORING_CQE_F_NOTIF;

/**
 * The zero-copy sends of one port in flight, by operation slot, and which of their two CQEs has
 * come in.
 *
 * <p>A SEND_ZC or SENDMSG_ZC request completes twice ({@code io_uring_prep_send_zc(3)}): first
 * with its result, flagged {@code IORING_CQE_F_MORE} when a second CQE will follow; then, with the
 * same {@code user_data}, a notification flagged {@code IORING_CQE_F_NOTIF} once the kernel no
 * longer reads the memory (the data was acknowledged, or, to a local peer, copied). The
 * notification comes if and only if the first CQE had {@code F_MORE}, also for an error or a
 * cancellation (Pavel Begunkov and Jens Axboe in liburing #1462: {@code io_sendrecv_fail} sets
 * {@code F_MORE} when a notification is owed).
 *
 * <p>The port passes both on: the result at once, flagged
 * {@link dev.iocp.port.CompletionFlags#MORE}, so that the caller's next send need not wait for
 * the peer's acknowledgement; then a last completion (result 0) with the notification. The slot
 * stays taken until that last one, so the socket's count of operations in flight (which a close
 * waits for) and {@link IoUringPort#pendingOperations()} cover the time the kernel still reads the
 * memory. Keyed by slot, not kept in submission order: notifications of different sends may come
 * back in any order (Netty #17238), and a cancelled send's {@code -ECANCELED} may be followed by
 * its notification (Netty #15599). Should a notification ever come before its result, the result
 * is then the one and last completion.
 */
final class ZeroCopySends {
    /** What to deliver for a CQE of a zero-copy send. */
    enum Step {
        /** Nothing yet: a notification before its result. */
        NOTHING_YET,
        /** The result, flagged MORE: the notification follows. */
        RESULT_MORE_TO_COME,
        /** The last completion, with {@link #lastResult}. */
        LAST
    }

    private static final byte NONE = 0;
    /** Submitted; neither CQE in. */
    private static final byte SUBMITTED = 1;
    /** The result is in and passed on, with F_MORE: waiting for the notification. */
    private static final byte RESULT_IN = 2;
    /** The notification is in before the result. */
    private static final byte NOTIFIED = 3;

    private byte[] states = new byte[0];
    private int[] results = new int[0];
    private int inFlight;
    private long notifications;

    /** A zero-copy send was submitted in {@code slot}. */
    void submitted(int slot) {
        if (slot >= states.length) {
            int capacity = Math.max(slot + 1, Math.max(64, states.length * 2));
            states = Arrays.copyOf(states, capacity);
            results = Arrays.copyOf(results, capacity);
        }
        states[slot] = SUBMITTED;
        inFlight++;
    }

    /** Whether the operation in {@code slot} is a zero-copy send. */
    boolean isZeroCopy(int slot) {
        return slot < states.length && states[slot] != NONE;
    }

    /** Takes one CQE of the zero-copy send in {@code slot} and says what to deliver. */
    Step take(int slot, int cqeResult, int cqeFlags) {
        if ((cqeFlags & IORING_CQE_F_NOTIF) != 0) {
            notifications++;
            if (states[slot] == RESULT_IN) {
                results[slot] = 0; // the last completion only says the memory is free
                return Step.LAST;
            }
            states[slot] = NOTIFIED;
            return Step.NOTHING_YET;
        }
        results[slot] = cqeResult;
        if ((cqeFlags & IORING_CQE_F_MORE) != 0 && states[slot] != NOTIFIED) {
            states[slot] = RESULT_IN;
            return Step.RESULT_MORE_TO_COME;
        }
        return Step.LAST; // no notification owed, or it came first
    }

    /** The result of the last completion of the send in {@code slot}; frees its entry. */
    int lastResult(int slot) {
        states[slot] = NONE;
        inFlight--;
        return results[slot];
    }

    /**
     * The sockets of the zero-copy sends whose notification has not come: the kernel frees their
     * data (and so notifies) when the peer acknowledges it or the socket is closed.
     */
    Set<UringSocket> socketsAwaitingNotification(OperationTable operations) {
        Set<UringSocket> sockets = new HashSet<>();
        for (int slot = 0; slot < states.length; slot++) {
            if (states[slot] == SUBMITTED || states[slot] == RESULT_IN) {
                sockets.add(operations.socket(slot));
            }
        }
        return sockets;
    }

    /** Zero-copy sends submitted whose last completion has not been delivered. */
    int inFlight() {
        return inFlight;
    }

    /** Notification CQEs seen so far. */
    long notifications() {
        return notifications;
    }
}
