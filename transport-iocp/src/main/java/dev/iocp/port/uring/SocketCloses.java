package dev.iocp.port.uring;

import dev.iocp.port.CompletionHandler;
import dev.iocp.port.Operation;

import java.util.ArrayDeque;
import java.util.function.Consumer;

import static dev.iocp.port.uring.sys.LinuxConstants.*;

/**
 * How an {@link IoUringPort} closes its sockets: what is in flight is cancelled first, the close
 * is handed to the kernel when nothing holds the descriptor any more, and its completion is
 * delivered only after every operation of the socket has completed, so a handler never sees a
 * completion of a socket after its CLOSE.
 *
 * <p><b>Lingering sockets.</b> With SO_LINGER above 0, whoever drops the file's last reference
 * runs the TCP close, which blocks until the peer has acknowledged what is unsent or the linger
 * time is up. IORING_OP_CLOSE removes the fd inline in the submitting thread (sockets have no
 * {@code ->flush}), and the final {@code fput} then queues {@code __fput} as task work of that
 * thread: the owner would block on its way out of io_uring_enter. With IOSQE_ASYNC an io-wq
 * worker runs the close, so the last reference is dropped, and the linger waited out, in that
 * worker ({@code fput} defers to the current task's task work, which io-wq workers run
 * themselves). That only holds if the close drops the last reference: a cancelled request still
 * holds one until it is freed, which happens on the owner. So a lingering socket's close is
 * handed to the kernel only once its cancelled operations have completed. The CLOSE completion
 * then arrives when the descriptor is released; the linger itself may go on in io-wq after it.
 *
 * <p>Owner thread only, as the port.
 */
final class SocketCloses {
    private static final long INTERNAL_CANCEL = UserData.encode(0, UserData.KIND_INTERNAL_CANCEL, 0);

    private final SubmissionQueue submissions;
    private final OperationTable operations;
    /** Tells the port that a socket is closed (it forgets it). */
    private final Consumer<UringSocket> closed;
    /** Sockets whose CLOSE completion waits to be delivered: their last operation has completed. */
    private final ArrayDeque<UringSocket> held = new ArrayDeque<>();

    SocketCloses(SubmissionQueue submissions, OperationTable operations, Consumer<UringSocket> closed) {
        this.submissions = submissions;
        this.operations = operations;
        this.closed = closed;
    }

    /** Cancels what is in flight on {@code s} and closes it, as the operation {@code id} (acquired, not counted in inFlight). */
    void begin(UringSocket s, long id) {
        s.state = UringSocket.State.CLOSING;
        if (s.inFlight > 0) {
            DatagramSubmissions.stopChains(s); // else the cancellation could not end them
            // Closing an fd does not cancel io_uring requests on it (they hold their own file
            // reference), so cancel them first. Cancellation runs synchronously at submit time,
            // in SQE order, so their completions are posted before the close's.
            submissions.prepare(IORING_OP_ASYNC_CANCEL, s.fd, INTERNAL_CANCEL)
                    .opFlags(IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL);
            // A send-file's splices look the descriptor up only when io-wq runs them, and a
            // linked send only when its turn comes: closed under them, the number could
            // already name another socket.
            if (s.lingersOnClose || s.splicing > 0 || s.linkedSends > 0) {
                s.deferredCloseId = id; // prepared in operationDone() once inFlight reaches 0
                return;
            }
        }
        prepare(s, id);
    }

    private void prepare(UringSocket s, long id) {
        submissions.prepare(IORING_OP_CLOSE, s.fd, id).flags(s.lingersOnClose ? IOSQE_ASYNC : 0);
    }

    /** One of the socket's operations has completed: a close waiting for the last one goes ahead. */
    void operationDone(UringSocket socket) {
        if (--socket.inFlight == 0) {
            if (socket.heldCloseId != 0) {
                holdUntilNotified(socket);
            } else if (socket.deferredCloseId != 0) {
                prepare(socket, socket.deferredCloseId); // nothing else holds the file now
                socket.deferredCloseId = 0;
            }
        }
    }

    /**
     * A zero-copy send's result is in and its notification owed: the request no longer holds the
     * file (a deferred close may go ahead), only memory, so the CLOSE completion still waits for
     * the notification (a peer that does not read can keep it back for as long as it likes).
     */
    void resultBeforeNotification(UringSocket socket) {
        socket.notificationsOwed++;
        operationDone(socket);
    }

    /** The notification owed for a zero-copy send came: a CLOSE completion waiting for it goes out. */
    void notified(UringSocket socket) {
        if (--socket.notificationsOwed == 0 && socket.inFlight == 0 && socket.heldCloseId != 0) {
            held.add(socket);
        }
    }

    private void holdUntilNotified(UringSocket socket) {
        if (socket.notificationsOwed == 0) {
            held.add(socket);
        }
    }

    /** The kernel closed the descriptor; returns how many completions reached the handler (0 or 1). */
    int completed(int slot, UringSocket socket, long userData, int result, CompletionHandler handler) {
        socket.state = UringSocket.State.CLOSED;
        closed.accept(socket);
        if (socket.inFlight > 0 || socket.notificationsOwed > 0) {
            // A cancelled operation (or a zero-copy notification) has not reported yet: the
            // close waits for it. It keeps its
            // slot until it is delivered, so that pendingOperations() still counts it.
            socket.heldCloseId = userData;
            socket.heldCloseResult = result;
            return 0;
        }
        operations.release(slot);
        handler.onCompletion(socket.key, Operation.CLOSE, result, 0, userData);
        return 1;
    }

    boolean hasHeld() {
        return !held.isEmpty();
    }

    /** Delivers up to {@code budget} CLOSE completions that waited for their socket's operations. */
    int deliverHeld(CompletionHandler handler, int budget) {
        int delivered = 0;
        while (delivered < budget && !held.isEmpty()) {
            UringSocket socket = held.poll();
            long id = socket.heldCloseId;
            socket.heldCloseId = 0;
            operations.release(operations.slotOf(id));
            delivered++;
            handler.onCompletion(socket.key, Operation.CLOSE, socket.heldCloseResult, 0, id);
        }
        return delivered;
    }
}
