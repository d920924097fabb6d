package dev.iocp.port.uring;

import dev.iocp.port.CompletionFlags;
import dev.iocp.port.CompletionHandler;
import dev.iocp.port.Errno;
import dev.iocp.port.Operation;
import dev.iocp.port.PortException;
import dev.iocp.port.internal.PortMetricsRecorder;
import dev.iocp.port.ReceiveBufferSource;

import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;
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
 * <p><b>Resets under multishot.</b> A multishot receive waits on the socket's wake-ups (the poll
 * io_uring arms for it is edge-triggered) and, after it has read data, goes on reading at once
 * only while TCP's hint says more is queued. That hint is 1 after a FIN, so the end of input is
 * always read, but 0 after a reset. When the data and the reset are both in before the request
 * reads (a client that sends part of a request and resets, its reset in before the stream is
 * armed), the request reads the data and waits for a wake-up that has already happened: the reset
 * is never reported, and the connection is never seen to end. (Kernels without the fix for
 * liburing issue 1549, of March 2026, lose it also when the reset comes right after the data,
 * before the request runs.) So each multishot stream has a <em>watch</em> beside it, a one-shot
 * poll for POLLERR and POLLHUP that arms and checks on its own: when it fires, the port cancels
 * the multishot request and re-arms the stream as single shots, each of which checks the socket
 * when armed and so reports the reset. The watch shares the stream's slot, and the stream's final
 * completion waits for it: when the stream ends first, the port cancels the watch. A FIN fires it
 * too (POLLRDHUP cannot be left out of an io_uring poll); the request reads that end itself, so
 * only POLLERR or POLLHUP makes the port step in, except on a Unix-domain socket, whose hint
 * says nothing of an end queued after the data: there POLLRDHUP does too ({@link #stepsIn}). The
 * watch is the same poll as the caller's peer-closure watch ({@link PeerClosurePoll}); they stay
 * two requests because they answer to different owners: this one is the port's, lives and dies
 * with the stream and shares its slot, while the caller's is an operation of its own that the
 * caller arms, cancels and is told of.
 *
 * <p>Owner thread only, as the port.
 */
final class StreamReceives {
    /** The user_data of the port's own cancellations: their completions are dropped. */
    private static final long INTERNAL_CANCEL = UserData.encode(0, UserData.KIND_INTERNAL_CANCEL, 0);

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
    /** Where {@link #buffers} come from (see {@link ReceiveBufferSource}); null: the port's arena. */
    private ReceiveBufferSource<?> source;
    /** Whether a stream receive completion with data is being handled. */
    private boolean delivering;
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
        s.streamHungUp = false;
        s.streamRearming = false;
        arm(s, id, ring);
        if (settings.multishot()) {
            s.streamWatched = true;
            s.streamWatchCancelled = false;
            PeerClosurePoll.prepare(submissions, s.fd, UserData.withKind(id, UserData.KIND_STREAM_WATCH));
        }
        return id;
    }

    private ReceiveBuffers buffers() {
        if (buffers == null) {
            try {
                buffers = ReceiveBuffers.open(arena, ringFd, settings, source, metrics);
            } catch (PortException e) {
                throw new UncheckedIOException("cannot set up the port's receive buffers", e);
            }
        }
        return buffers;
    }

    private void arm(UringSocket s, long id, ReceiveBuffers ring) {
        // After a reset or hang-up (the watch saw it) only single shots: each checks the socket.
        boolean multishot = settings.multishot() && !s.streamHungUp;
        short ioprio = multishot ? IORING_RECV_MULTISHOT : 0;
        if (!s.inputPending && !s.streamHungUp) {
            ioprio |= IORING_RECVSEND_POLL_FIRST; // as a single receive: the socket was drained
        }
        // Multishot: len 0, each arrival may fill the buffer the kernel picks (and 0 is required
        // before 6.17). Single-shot: the buffer size, since only 6.0 made 0 mean "the whole
        // buffer" (5.19 reads 0 bytes); the kernel clamps it to the entry's length.
        submissions.prepare(IORING_OP_RECV, s.fd, id).flags(IOSQE_BUFFER_SELECT).bufferGroup(ring.group())
                .length(multishot ? 0 : ring.bufferSize()).ioprio(ioprio);
    }

    /**
     * The owner asked to cancel {@code s}'s stream (its cancel is prepared): the watch is
     * cancelled with it, so that the stream's final completion need not wait for it.
     */
    void cancelling(UringSocket s) {
        cancelWatch(s);
    }

    private void cancelWatch(UringSocket s) {
        if (s.streamWatched && !s.streamWatchCancelled) {
            s.streamWatchCancelled = true;
            submissions.prepare(IORING_OP_ASYNC_CANCEL, -1, INTERNAL_CANCEL)
                    .address(UserData.withKind(s.streamId, UserData.KIND_STREAM_WATCH));
        }
    }

    /** See {@link dev.iocp.port.CompletionPort#receiveBuffersFrom}. */
    boolean receiveBuffersFrom(ReceiveBufferSource<?> source) {
        Objects.requireNonNull(source, "source");
        if (buffers != null) {
            throw new IllegalStateException("the port's receive buffers are allocated already: a source must be "
                    + "set before the first stream receive");
        }
        if (this.source != null) {
            throw new IllegalStateException("the port has a receive buffer source already: " + this.source);
        }
        this.source = source;
        return true;
    }

    /** See {@link dev.iocp.port.CompletionPort#receivedBytes()}. */
    ByteBuffer receivedBytes() {
        checkDelivering();
        return buffers.bytes();
    }

    /** See {@link dev.iocp.port.CompletionPort#takeReceived()}. */
    Object takeReceived() {
        checkDelivering();
        return buffers.take();
    }

    private void checkDelivering() {
        if (!delivering) {
            throw new IllegalStateException("no stream receive completion is being handled");
        }
    }

    /** Lets go of the receive buffers; once the port is closed and the kernel can no longer pick one. */
    void release() {
        if (buffers != null) {
            buffers.release();
        }
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
     * only when it ends without data and not for want of buffers, nor because the port cancelled
     * it to go on in single shots.
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
        // The port's own cancel (see watchCompleted), unless the request had already ended by
        // itself, and been re-armed: then it ends this one.
        boolean rearming = s.streamRearming && result == -Errno.ECANCELED;
        if (rearming) {
            s.streamRearming = false;
        }
        if (result == -Errno.ENOBUFS || rearming) {
            if (result == -Errno.ENOBUFS) {
                // The ring was empty: the data waits in the socket until buffers are back.
                buffers.exhausted();
            }
            if (mayGoOn(s)) {
                arm(s, userData, buffers);
                return 0;
            }
            s.streamEndedForCancel = s.streamCancelId;
            result = -Errno.ECANCELED;
        }
        return end(slot, s, result, userData, handler);
    }

    /**
     * Routes the CQE of a stream's watch ({@code userData} of kind {@link UserData#KIND_STREAM_WATCH}):
     * a reset or hang-up has the stream go on in single shots; a stream that ended meanwhile ends
     * now. Returns how many completions reached the handler.
     */
    int watchCompleted(long userData, int result, CompletionHandler handler) {
        long streamId = UserData.withKind(userData, UserData.KIND_RECEIVE_STREAM);
        int slot = operations.slotOf(streamId); // the stream keeps its slot until its watch is in
        UringSocket s = operations.socket(slot);
        s.streamWatched = false;
        if (s.streamEnding) {
            s.streamEnding = false;
            return end(slot, s, s.streamEndResult, streamId, handler);
        }
        if (stepsIn(s, result) && !s.streamHungUp) {
            s.streamHungUp = true; // re-arms from now on are single shots
            if (mayGoOn(s)) {
                // The multishot request may have read the last data and be waiting for a wake-up
                // that will not come: it ends (ECANCELED) and is armed again as a single shot.
                s.streamRearming = true;
                submissions.prepare(IORING_OP_ASYNC_CANCEL, -1, INTERNAL_CANCEL).address(streamId);
            }
        }
        return 0;
    }

    /**
     * Whether the port steps in on what its watch saw ({@code result}). On TCP a reset or
     * hang-up: the hint says more is queued after a FIN, so the request reads the end itself. A
     * Unix-domain socket's hint ({@code unix_stream_read_generic}'s inq) counts bytes only, 0
     * after the last data even with the end of input queued behind it, so there the peer's
     * shutdown (POLLRDHUP) too, that is anything the watch fires for: a request that read the
     * last data would otherwise wait for a wake-up that has been and gone.
     */
    private static boolean stepsIn(UringSocket s, int result) {
        return s.isUnixDomain() ? result > 0 : PeerClosurePoll.hungUp(result);
    }

    private boolean mayGoOn(UringSocket s) {
        return !closing && s.state == UringSocket.State.OPEN && s.streamCancelId == 0;
    }

    private void deliver(long key, long userData, int result, int cqeFlags, boolean pending, CompletionHandler handler) {
        int bufferId = cqeFlags >>> IORING_CQE_BUFFER_SHIFT;
        boolean kernelKeepsIt = (cqeFlags & IORING_CQE_F_BUF_MORE) != 0;
        buffers.arrived(bufferId, result, kernelKeepsIt);
        delivering = true;
        try {
            handler.onCompletion(key, Operation.RECEIVE, result,
                    CompletionFlags.MORE | (pending ? CompletionFlags.INPUT_PENDING : 0), userData);
        } finally {
            delivering = false;
            buffers.handled();
            if (!kernelKeepsIt) {
                buffers.giveBack(bufferId);
            }
        }
    }

    private int end(int slot, UringSocket s, int result, long userData, CompletionHandler handler) {
        if (s.streamWatched) {
            // The watch shares the slot: the stream ends once the watch is in too.
            if (!s.streamEnding) {
                s.streamEnding = true;
                s.streamEndResult = result;
                cancelWatch(s);
            }
            return 0;
        }
        long key = operations.key(slot);
        s.streamId = 0;
        s.streamRearming = false;
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
