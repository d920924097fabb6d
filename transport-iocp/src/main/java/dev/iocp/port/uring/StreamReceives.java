package dev.iocp.port.uring;

import dev.iocp.port.CompletionFlags;
import dev.iocp.port.CompletionHandler;
import dev.iocp.port.Errno;
import dev.iocp.port.Operation;
import dev.iocp.port.PortException;
import dev.iocp.port.PortMetricsRecorder;

import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;

import static dev.iocp.port.uring.sys.LinuxConstants.*;

/**
 * The stream receives of one {@link IoUringPort}: a receive with {@code IOSQE_BUFFER_SELECT} from
 * the port's {@link ReceiveBuffers}, multishot (6.0) where the settings allow, so one SQE serves
 * the whole stream; otherwise, and whenever the kernel ends the request after data (its CQE found
 * the completion ring full), the port arms it again itself. Callers see one stream until the end
 * of input, an error or their cancellation; running out of buffers (ENOBUFS) is the port's
 * business and never reaches them.
 *
 * <p>Owner thread only, as the port.
 */
final class StreamReceives {
    private final Arena arena;
    private final int ringFd;
    private final SubmissionQueue submissions;
    private final OperationTable operations;
    private final PortMetricsRecorder metrics;
    private final ReceiveBufferSettings settings;
    /** Tells the port that one of a socket's operations has completed (its close may go ahead). */
    private final Consumer<UringSocket> operationDone;
    /** Opened on the first stream receive, so a port that never receives holds no buffers. */
    private ReceiveBuffers buffers;
    /** The bytes of the stream receive completion being handled; null outside its handler. */
    private ByteBuffer received;
    /** Streams stopped after data that ended the kernel's request: their final completion is owed. */
    private final ArrayDeque<UringSocket> ends = new ArrayDeque<>();
    /** Set as the port closes: from then on no stream is re-armed. */
    private boolean closing;

    StreamReceives(Arena arena, int ringFd, SubmissionQueue submissions, OperationTable operations,
                   PortMetricsRecorder metrics, ReceiveBufferSettings settings, Consumer<UringSocket> operationDone) {
        this.arena = arena;
        this.ringFd = ringFd;
        this.submissions = submissions;
        this.operations = operations;
        this.metrics = metrics;
        this.settings = settings;
        this.operationDone = operationDone;
    }

    /** Starts a stream on an owned, open socket; refuses one beside another receive. */
    long submit(UringSocket s) {
        if (s.streamId != 0 || s.receivesInFlight > 0) {
            throw new IllegalStateException(s + " already has a " + (s.streamId != 0 ? "stream " : "")
                    + "receive in flight");
        }
        ReceiveBuffers ring = buffers();
        metrics.submitted();
        long id = operations.acquire(UserData.KIND_RECEIVE_STREAM, s.key, s);
        s.inFlight++;
        s.streamId = id;
        s.streamCancelId = 0;
        s.streamEndedForCancel = 0;
        arm(s, id, ring);
        return id;
    }

    private ReceiveBuffers buffers() {
        if (buffers == null) {
            try {
                buffers = ReceiveBuffers.open(arena, ringFd, settings, metrics);
            } catch (PortException e) {
                throw new UncheckedIOException("cannot set up the port's receive buffers", e);
            }
        }
        return buffers;
    }

    private void arm(UringSocket s, long id, ReceiveBuffers ring) {
        short ioprio = settings.multishot() ? IORING_RECV_MULTISHOT : 0;
        if (!s.inputPending) {
            ioprio |= IORING_RECVSEND_POLL_FIRST; // as a single receive: the socket was drained
        }
        // Multishot: len 0, each arrival may fill the buffer the kernel picks (and 0 is required
        // before 6.17). Single-shot: the buffer size, since only 6.0 made 0 mean "the whole
        // buffer" (5.19 reads 0 bytes); the kernel clamps it to the entry's length.
        submissions.prepare(IORING_OP_RECV, s.fd, id).flags(IOSQE_BUFFER_SELECT).bufferGroup(ring.group())
                .length(settings.multishot() ? 0 : ring.bufferSize()).ioprio(ioprio);
    }

    /** See {@link dev.iocp.port.CompletionPort#receivedBytes()}. */
    ByteBuffer receivedBytes() {
        ByteBuffer bytes = received;
        if (bytes == null) {
            throw new IllegalStateException("no stream receive completion is being handled");
        }
        return bytes;
    }

    /** The port is closing: streams that end are not armed again. */
    void closing() {
        closing = true;
    }

    /** Whether final completions are owed (delivered by {@link #deliverEnds}). */
    boolean hasEnds() {
        return !ends.isEmpty();
    }

    /** Makes the buffers given back since the last call the kernel's; before it runs receives again. */
    void publish() {
        if (buffers != null) {
            buffers.publish();
        }
    }

    /**
     * Routes a CQE of a stream receive; returns how many completions reached the handler. Data is
     * delivered flagged MORE; the kernel's request ending (no {@code F_MORE}) ends the stream
     * only when it ends without data and not for want of buffers.
     */
    int completed(long userData, int result, int cqeFlags, CompletionHandler handler) {
        int slot = operations.slotOf(userData);
        UringSocket s = operations.socket(slot);
        boolean pending = (cqeFlags & IORING_CQE_F_SOCK_NONEMPTY) != 0;
        s.inputPending = pending;
        boolean requestEnded = (cqeFlags & IORING_CQE_F_MORE) == 0;
        if (result > 0) {
            if (requestEnded) {
                // A single-shot receive always, a multishot one when its CQE could not be posted.
                if (mayGoOn(s)) {
                    arm(s, userData, buffers);
                } else {
                    s.streamEndedForCancel = s.streamCancelId;
                    ends.add(s); // the final completion follows the data, from dequeue
                }
            }
            deliver(operations.key(slot), userData, result, cqeFlags, pending, handler);
            return 1;
        }
        if ((cqeFlags & IORING_CQE_F_BUFFER) != 0 && (cqeFlags & IORING_CQE_F_BUF_MORE) == 0) {
            buffers.giveBack(cqeFlags >>> IORING_CQE_BUFFER_SHIFT); // not expected without data
        }
        if (!requestEnded) {
            return 0; // not expected either: an armed request reports nothing
        }
        if (result == -Errno.ENOBUFS) {
            // The ring was empty: the data waits in the socket until buffers are back.
            buffers.exhausted();
            if (mayGoOn(s)) {
                arm(s, userData, buffers);
                return 0;
            }
            s.streamEndedForCancel = s.streamCancelId;
            result = -Errno.ECANCELED;
        }
        return end(slot, s, result, userData, handler);
    }

    private boolean mayGoOn(UringSocket s) {
        return !closing && s.state == UringSocket.State.OPEN && s.streamCancelId == 0;
    }

    private void deliver(long key, long userData, int result, int cqeFlags, boolean pending, CompletionHandler handler) {
        int bufferId = cqeFlags >>> IORING_CQE_BUFFER_SHIFT;
        boolean kernelKeepsIt = (cqeFlags & IORING_CQE_F_BUF_MORE) != 0;
        received = buffers.received(bufferId, result, kernelKeepsIt);
        try {
            handler.onCompletion(key, Operation.RECEIVE, result,
                    CompletionFlags.MORE | (pending ? CompletionFlags.INPUT_PENDING : 0), userData);
        } finally {
            received = null;
            if (!kernelKeepsIt) {
                buffers.giveBack(bufferId);
            }
        }
    }

    private int end(int slot, UringSocket s, int result, long userData, CompletionHandler handler) {
        long key = operations.key(slot);
        s.streamId = 0;
        operations.release(slot);
        operationDone.accept(s);
        handler.onCompletion(key, Operation.RECEIVE, result, 0, userData);
        return 1;
    }

    /** Delivers up to {@code budget} owed final completions ({@code -ECANCELED}). */
    int deliverEnds(CompletionHandler handler, int budget) {
        int delivered = 0;
        while (delivered < budget && !ends.isEmpty()) {
            UringSocket s = ends.poll();
            long id = s.streamId;
            delivered += end(operations.slotOf(id), s, -Errno.ECANCELED, id, handler);
        }
        return delivered;
    }

    /** Receive buffers allocated so far (0 before the first stream receive). */
    int bufferCount() {
        return buffers == null ? 0 : buffers.count();
    }

    /** The bytes of the receive buffers allocated so far. */
    long bufferBytes() {
        return buffers == null ? 0 : (long) buffers.count() * buffers.bufferSize();
    }
}
