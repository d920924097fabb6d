package dev.iocp.port.uring;

import dev.iocp.port.CompletionFlags;
import dev.iocp.port.CompletionHandler;
import dev.iocp.port.Errno;
import dev.iocp.port.Operation;
import dev.iocp.port.PortException;
import dev.iocp.port.internal.PortMetricsRecorder;
import dev.iocp.port.internal.PostQueue;
import dev.iocp.port.uring.sys.IoUringLayouts;
import dev.iocp.port.uring.sys.Syscalls;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.iocp.port.uring.sys.LinuxConstants.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Drives an {@link IoUringPort}'s ring on the owner thread: enters the kernel to submit what is
 * staged and to wait for completions, and routes each CQE that comes back to the operation it
 * completes (the wake-up, a stream receive, a datagram, a descriptor message, a splice step, a close held back, a
 * zero-copy send's two completions, an accept); and, when the port closes, cancels everything
 * and reaps until it has all completed.
 *
 * <p>Split from the port, which keeps the operations' submission, ownership and lifecycle; one
 * per port, so the completion path makes the same calls as before, with no object per operation.
 */
final class RingDriver {
    /** Logged under the port's name, as before the driver was split from it. */
    private static final Logger LOG = Logger.getLogger(IoUringPort.class.getName());
    private static final long INTERNAL_CANCEL = UserData.encode(0, UserData.KIND_INTERNAL_CANCEL, 0);
    /** How long close() waits for cancelled operations before it gives up on freeing their memory. */
    private static final long CLOSE_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Set to {@code true}, the loops' waits count as iowait even where the kernel can leave them out. */
    static final String COUNT_WAITS_AS_IOWAIT = "dev.iocp.uring.countWaitsAsIowait";
    private static final CompletionHandler DROP = (key, operation, result, flags, id) -> { };

    private final IoUringPort port;
    private final Ring ring;
    private final SubmissionQueue submissions;
    private final CompletionQueue completions;
    private final OperationTable operations;
    private final SpliceSends splices;
    private final SendSubmissions sends;
    private final DatagramSubmissions datagrams;
    private final DescriptorMessages descriptors;
    private final Waker waker;
    private final PostQueue posts;
    private final SocketCloses closes;
    private final UnadoptedAccepts unadopted;
    private final PortMetricsRecorder metrics;
    private final StreamReceives streams;
    /** getevents_arg followed by the timespec it points to. */
    private final MemorySegment waitArgument;
    private int enterFd;
    private int enterFlags;
    /** Added to the enters that wait: {@code IORING_ENTER_NO_IOWAIT} where it applies (see {@link #waitFlags}). */
    private final int waitFlags;
    private boolean wakerArmed;
    /** The peer of the connection accepted last: the next shares its host where it is the same. */
    private InetSocketAddress lastAcceptedPeer;

    RingDriver(IoUringPort port, Ring ring, OperationTable operations, SpliceSends splices, SendSubmissions sends,
               DatagramSubmissions datagrams, DescriptorMessages descriptors, Waker waker, PostQueue posts,
               SocketCloses closes, UnadoptedAccepts unadopted, PortMetricsRecorder metrics, StreamReceives streams,
               MemorySegment waitArgument) {
        this.port = port;
        this.ring = ring;
        this.submissions = ring.submissions;
        this.completions = ring.completions;
        this.operations = operations;
        this.splices = splices;
        this.sends = sends;
        this.datagrams = datagrams;
        this.descriptors = descriptors;
        this.waker = waker;
        this.posts = posts;
        this.closes = closes;
        this.unadopted = unadopted;
        this.metrics = metrics;
        this.streams = streams;
        this.waitArgument = waitArgument;
        this.enterFd = ring.fd;
        this.waitFlags = waitFlags(ring.features);
    }

    /**
     * {@code IORING_ENTER_NO_IOWAIT} where the kernel has it ({@code IORING_FEAT_NO_IOWAIT}, 6.15)
     * and the system property {@value #COUNT_WAITS_AS_IOWAIT} is not {@code true}. Without it a
     * thread waiting in io_uring_enter while any of its requests is in flight counts as in iowait
     * ({@code io_uring/wait.c}), so an idle server's event loops show up as 100 % iowait: operators
     * read that as a stalled disk. The flag changes that accounting only (and the cpufreq boost
     * iowait earns), nothing about when the wait ends.
     */
    private static int waitFlags(int features) {
        boolean countAsIowait = Boolean.getBoolean(COUNT_WAITS_AS_IOWAIT);
        return (features & IORING_FEAT_NO_IOWAIT) != 0 && !countAsIowait ? IORING_ENTER_NO_IOWAIT : 0;
    }

    /** Owner thread, once: enters by the ring's registered index rather than its fd (see {@link Ring#registerFd()}). */
    void enterByRegisteredIndex(int index) {
        enterFd = index;
        enterFlags = IORING_ENTER_REGISTERED_RING;
    }

    /** Whether each enter names the ring by its registered index rather than its fd. */
    boolean usesRegisteredRingFd() {
        return (enterFlags & IORING_ENTER_REGISTERED_RING) != 0;
    }

    /** Owner thread, once: starts the waker (see {@link Waker#start}). */
    void startWaker(boolean messageRingWakeups) {
        wakerArmed = waker.start(ring.fd, submissions, messageRingWakeups);
    }

    /** Whether the waker has a read in flight (eventfd wake-ups), which a closing port waits for. */
    boolean wakerArmed() {
        return wakerArmed;
    }

    private void armWaker() {
        waker.arm(submissions);
        wakerArmed = true;
    }

    /** {@link IoUringPort#dequeue}'s work, once the port has checked the caller. */
    int dequeue(CompletionHandler handler, int max, long timeoutNanos) throws PortException {
        boolean ready = completions.ready() > 0 || !posts.isEmpty() || closes.hasHeld() || streams.hasEnds();
        submitAndWait(ready ? 0 : timeoutNanos);
        int delivered = reap(handler, max);
        delivered += streams.deliverEnds(handler, max - delivered);
        delivered += closes.deliverHeld(handler, max - delivered);
        if (delivered < max) {
            delivered += posts.drain(handler, max - delivered);
        }
        metrics.dequeued(delivered);
        return delivered;
    }


    /**
     * Hands staged operations to the kernel and, if {@code timeoutNanos != 0}, waits for a
     * completion in the same system call.
     */
    private void submitAndWait(long timeoutNanos) throws PortException {
        while (submissions.flushBacklog() > 0) {
            // More is staged than the ring holds: submit a ringful and keep going.
            submissions.publish();
            int rc = enter(submissions.unsubmitted(), 0, IORING_ENTER_GETEVENTS, 0L, 0L);
            if (rc == -Errno.EBUSY || rc == -Errno.EAGAIN) {
                break; // the kernel wants its completions reaped first; the rest waits
            }
        }
        submissions.publish();
        int toSubmit = submissions.unsubmitted();
        boolean wait = timeoutNanos != 0 && submissions.backlogged() == 0;
        if (wait && !waker.prepareToWait()) {
            wait = false;
        } else if (wait && (!posts.isEmpty() || completions.ready() > 0)) {
            // A post raced with us between the caller's check and prepareToWait.
            waker.awake();
            wait = false;
        }
        if (!wait) {
            // DEFER_TASKRUN: network completions wait as task work until we enter with
            // GETEVENTS; TASKRUN says some is pending, CQ_OVERFLOW that the kernel holds CQEs back.
            if (toSubmit > 0 || (submissions.ringFlags() & (IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW)) != 0) {
                enter(toSubmit, 0, IORING_ENTER_GETEVENTS, 0L, 0L);
            }
            return;
        }
        try {
            waitFor(toSubmit, timeoutNanos);
        } finally {
            waker.awake();
        }
    }

    /**
     * Hands what is staged to the kernel now, without reaping or waiting, unless the ring is
     * backlogged (the loop's next dequeue submits in order then). What the kernel runs inline,
     * such as a CLOSE, is done when this returns.
     */
    void submitStaged() throws PortException {
        if (submissions.backlogged() > 0) {
            return;
        }
        submissions.publish();
        int toSubmit = submissions.unsubmitted();
        if (toSubmit > 0) {
            enter(toSubmit, 0, 0, 0L, 0L);
        }
    }

    /**
     * Submits and waits for one completion, at most {@code timeoutNanos} (forever when
     * negative), passing the timeout through {@code IORING_ENTER_EXT_ARG} (5.11).
     */
    void waitFor(int toSubmit, long timeoutNanos) throws PortException {
        long timespec = 0L; // NULL: no timeout
        if (timeoutNanos > 0) {
            long at = IoUringLayouts.GETEVENTS_ARG.byteSize();
            waitArgument.set(JAVA_LONG, at, timeoutNanos / 1_000_000_000L);
            waitArgument.set(JAVA_LONG, at + 8, timeoutNanos % 1_000_000_000L);
            timespec = waitArgument.address() + at;
        }
        waitArgument.set(JAVA_LONG, 0, 0L); // no signal mask
        waitArgument.set(JAVA_INT, IoUringLayouts.GETEVENTS_SIGMASK_SZ, 8);
        waitArgument.set(JAVA_LONG, IoUringLayouts.GETEVENTS_TS, timespec);
        enter(toSubmit, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG | waitFlags, waitArgument.address(),
                IoUringLayouts.GETEVENTS_ARG.byteSize());
    }

    private int enter(int toSubmit, int minComplete, int flags, long argument, long argumentSize) throws PortException {
        metrics.enteredKernel(minComplete > 0);
        metrics.completionQueueSampled((submissions.ringFlags() & IORING_SQ_CQ_OVERFLOW) != 0,
                Integer.toUnsignedLong(completions.overflowCount()));
        int rc = Syscalls.ioUringEnter(enterFd, toSubmit, minComplete, flags | enterFlags, argument, argumentSize);
        if (rc >= 0 || rc == -Errno.ETIME || rc == -Errno.EINTR || rc == -Errno.EBUSY || rc == -Errno.EAGAIN) {
            return rc;
        }
        throw new PortException("io_uring_enter(submit " + toSubmit + ", wait " + minComplete + "): "
                + Errno.describe(rc), rc);
    }

    /** Delivers up to {@code budget} CQEs; internal ones are consumed without counting. */
    int reap(CompletionHandler handler, int budget) {
        int delivered = 0;
        int ready;
        while (delivered < budget && (ready = completions.ready()) > 0) {
            int consumed = 0;
            try {
                while (consumed < ready && delivered < budget) {
                    long entry = completions.entry(consumed);
                    long userData = completions.userData(entry);
                    int result = completions.result(entry);
                    int flags = completions.flags(entry);
                    consumed++;
                    delivered += complete(userData, result, flags, handler);
                }
            } finally {
                completions.advance(consumed);
                streams.publish(); // the buffers handled so far, before the kernel runs receives again
            }
        }
        return delivered;
    }

    /** Routes one CQE; returns how many completions reached the handler (0 or 1). */
    private int complete(long userData, int result, int cqeFlags, CompletionHandler handler) {
        int kind = UserData.kind(userData);
        if (kind == UserData.KIND_WAKEUP) {
            if (!waker.usesMessageRing()) {
                wakerArmed = false;
                if (!port.isClosed()) {
                    armWaker();
                }
            }
            return 0;
        }
        if (kind == UserData.KIND_INTERNAL_CANCEL) {
            return 0;
        }
        if (kind == UserData.KIND_RECEIVE_STREAM) {
            return streams.completed(userData, result, cqeFlags, handler);
        }
        if (kind == UserData.KIND_STREAM_WATCH) {
            return streams.watchCompleted(userData, result, handler);
        }
        if (DatagramSubmissions.isDatagramKind(kind)) {
            return datagrams.completed(userData, kind, result, cqeFlags, port.isClosed(), handler);
        }
        if (DescriptorMessages.isDescriptorKind(kind)) {
            return descriptors.completed(userData, kind, result, cqeFlags, handler);
        }
        if (kind >= UserData.KIND_SPLICE_IN && kind <= UserData.KIND_SPLICE_DONE) {
            result = splices.stepCompleted(userData, kind, result);
            if (result == SpliceSends.IN_PROGRESS) {
                return 0;
            }
            kind = Operation.SEND_FILE.ordinal(); // its last step: the send-file completes
            userData = UserData.withKind(userData, kind);
        }
        int slot = operations.slotOf(userData);
        long key = operations.key(slot);
        UringSocket socket = operations.socket(slot);
        Operation operation = Operation.ofOrdinal(kind);
        if (operation == Operation.CLOSE) {
            return closes.completed(slot, socket, userData, result, handler);
        }
        if (operation == Operation.ACCEPT && result >= 0) {
            if (socket.isUnixDomain()) {
                unadopted.add(result, null); // no address was asked for (submitAccept)
            } else {
                // Before the slot is reused; sharing the last peer's host where it is the same.
                InetSocketAddress peer = operations.acceptedPeer(slot, lastAcceptedPeer);
                lastAcceptedPeer = peer;
                unadopted.add(result, peer);
            }
        }
        boolean notifiedAfterResult = false;
        if (operation == Operation.SEND && sends.zeroCopy().isZeroCopy(slot)) {
            switch (sends.zeroCopy().take(slot, result, cqeFlags)) {
                case NOTHING_YET -> {
                    return 0;
                }
                case RESULT_MORE_TO_COME -> {
                    // The kernel still reads the memory: the slot stays taken until the notification.
                    closes.resultBeforeNotification(socket);
                    handler.onCompletion(key, operation, result, CompletionFlags.MORE, userData);
                    return 1;
                }
                case LAST -> {
                    notifiedAfterResult = (cqeFlags & IORING_CQE_F_NOTIF) != 0;
                    result = sends.zeroCopy().lastResult(slot);
                }
            }
        }
        if (operation == Operation.ACCEPT && socket.state == UringSocket.State.OPEN && socket.parkedAcceptSlot < 0) {
            operations.park(slot); // for the listener's next accept (see OperationTable.park)
            socket.parkedAcceptSlot = slot;
        } else {
            operations.release(slot); // the kernel is done with the slot's memory
        }
        int flags = 0;
        switch (operation) {
            case TIMEOUT -> result = result == -Errno.ETIME ? 0 : result;
            // The poll's events (the FIN, a reset, an error) say only that the connection ends;
            // the receive that reads on says how.
            case PEER_CLOSED -> result = result > 0 ? 0 : result;
            // 6.10 and newer say whether more connections wait in the accept queue.
            case ACCEPT -> flags = (cqeFlags & IORING_CQE_F_SOCK_NONEMPTY) != 0 ? CompletionFlags.INPUT_PENDING : 0;
            case RECEIVE -> {
                boolean pending = (cqeFlags & IORING_CQE_F_SOCK_NONEMPTY) != 0;
                flags = pending ? CompletionFlags.INPUT_PENDING : 0;
                socket.inputPending = pending;
                socket.receivesInFlight--;
            }
            // A stream the port ended itself because this cancel asked it to (it had run out of
            // buffers, or was re-armed, when the cancel came): the cancel did find it.
            case CANCEL -> {
                if (socket != null && result == -Errno.ENOENT && socket.streamEndedForCancel == userData) {
                    socket.streamEndedForCancel = 0;
                    result = 0;
                }
            }
            default -> { }
        }
        if (socket != null && notifiedAfterResult) {
            closes.notified(socket);
        } else if (socket != null) {
            closes.operationDone(socket);
        }
        handler.onCompletion(key, operation, result, flags, userData);
        return 1;
    }

    /**
     * Cancels everything in flight and reaps until every operation (and the waker's read) has
     * completed; the port is already marked closed, so that completions re-arm nothing.
     *
     * @return whether all completed in time
     */
    boolean drainInFlight(RegisteredSockets sockets) throws PortException {
        streams.closing(); // nor streams
        splices.portClosing();
        submissions.prepare(IORING_OP_ASYNC_CANCEL, -1, INTERNAL_CANCEL)
                .opFlags(IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL);
        Set<UringSocket> zeroCopyHeld = sends.zeroCopy().socketsAwaitingNotification(operations);
        for (UringSocket socket : sockets.snapshot()) {
            DatagramSubmissions.stopChains(socket); // before the cancellation above is submitted
            if (socket.state == UringSocket.State.OPEN && zeroCopyHeld.contains(socket)) {
                abortZeroCopySends(socket);
            } else if (socket.state == UringSocket.State.OPEN && socket.lingersOnClose) {
                port.beginClose(socket); // in io-wq, not in release() on this thread: it would linger here
            }
        }
        long deadline = System.nanoTime() + CLOSE_DRAIN_NANOS;
        while (operations.inUse() > 0 || wakerArmed || submissions.backlogged() > 0 || submissions.unsubmitted() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            submissions.flushBacklog();
            submissions.publish();
            waitFor(submissions.unsubmitted(), Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            reap(DROP, Integer.MAX_VALUE);
            streams.deliverEnds(DROP, Integer.MAX_VALUE);
            closes.deliverHeld(DROP, Integer.MAX_VALUE); // frees their slots
        }
        return true;
    }

    /**
     * Ends the zero-copy sends of a socket whose data the kernel still holds: no cancellation
     * does (their results are in), and a graceful close would keep the unsent data queued, still
     * read from the caller's memory, until a peer that has stopped reading takes it or TCP gives
     * up. A reset (SO_LINGER 0) drops it, which frees it, which brings the notifications.
     */
    private void abortZeroCopySends(UringSocket socket) {
        try {
            socket.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException e) {
            LOG.log(Level.FINE, "could not reset " + socket + " on closing the port", e);
        }
        port.beginClose(socket);
    }
}
