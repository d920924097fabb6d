package dev.iocp.port.uring;

import dev.iocp.port.CompletionFlags;
import dev.iocp.port.CompletionHandler;
import dev.iocp.port.Errno;
import dev.iocp.port.Operation;
import dev.iocp.port.internal.SubmissionChecks;
import dev.iocp.port.internal.PortMetricsRecorder;
import dev.iocp.port.uring.sys.Sockaddr;
import dev.iocp.port.uring.sys.SocketLayouts;
import dev.iocp.port.uring.sys.Syscalls;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

import static dev.iocp.port.uring.sys.LinuxConstants.IORING_CQE_F_SOCK_NONEMPTY;
import static dev.iocp.port.uring.sys.LinuxConstants.IORING_OP_RECVMSG;
import static dev.iocp.port.uring.sys.LinuxConstants.IORING_OP_SENDMSG;
import static dev.iocp.port.uring.sys.LinuxConstants.IORING_RECVSEND_POLL_FIRST;
import static dev.iocp.port.uring.sys.LinuxConstants.IOSQE_IO_LINK;
import static dev.iocp.port.uring.sys.LinuxConstants.MSG_NOSIGNAL;
import static dev.iocp.port.uring.sys.LinuxConstants.MSG_TRUNC;
import static dev.iocp.port.uring.sys.LinuxConstants.SHUT_WR;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Datagram sends and receives as {@code IORING_OP_SENDMSG} / {@code IORING_OP_RECVMSG} over a
 * msghdr in the operation's slot: one iovec for the caller's buffer, and the slot's sockaddr for
 * the target a send names or the sender a receive learns. Everything the kernel reads or writes
 * is in the slot, so it lives exactly as long as the operation (see {@link OperationTable}).
 *
 * <p>A receive's outcome is read from the slot when its CQE comes, before the slot is freed:
 * the sender ({@code msg_name}, which {@link #receivedFrom()} hands out while the handler runs)
 * and whether the datagram was cut ({@code MSG_TRUNC} in {@code msg_flags}).
 *
 * <p><b>Requests that find nothing.</b> Several receives waiting on one socket are all woken by
 * each datagram, and all but one find the socket empty again; io_uring re-arms their polls, but
 * after {@code APOLL_MAX_RETRY} (128, {@code io_uring/poll.c}) futile wake-ups it hands a request
 * to io-wq, where the non-blocking socket answers {@code -EAGAIN}, and that is the completion.
 * Sends waiting together for room in the socket buffer can meet the same (never on loopback,
 * where a send never waits: the loopback device gives the room back at once). Such a request is
 * re-armed here, in its slot and under its id, so that it completes with a datagram or a real
 * error only ({@link #rearm}); one the caller asked to cancel meanwhile, or whose socket is
 * closing, completes as cancelled instead.
 *
 * <p><b>Batches of sends</b> ({@link #sendChain}) are one {@code IOSQE_IO_LINK} chain: the kernel
 * starts each SENDMSG once the one before it has completed, so a send that finds the send buffer
 * full waits (its poll armed) with the rest of the chain behind it, and the datagrams leave in
 * order; independent sends waiting together would be woken newest first. A link that does not
 * succeed (an error, or an {@code EAGAIN} re-armed here, which goes alone) ends the chain: the
 * kernel completes the sends after it with {@code -ECANCELED}, unsent, and the caller sends them
 * again once the whole batch is in.
 *
 * <p><b>Stopping a chain.</b> When a link completes, the kernel queues the next one as task
 * work, which (with {@code DEFER_TASKRUN}) runs only at the loop's next io_uring_enter, after the
 * SQEs that enter submits. A cancellation therefore finds only a link already under way (one
 * waiting for room in the send buffer); the next one is in no list it searches ({@code -ENOENT})
 * and starts anyway, and so on to the end of the chain. What ends a chain for certain is the
 * socket's sending side shut ({@link #stopChains}): each link that starts after it fails at once
 * ({@code -EPIPE}) and the rest are cancelled with it; a cancellation submitted after the shut
 * catches the link under way. A socket closed with chained sends in flight is shut so before its
 * cancellation (also while the port closes). The kernel looks a linked request's descriptor up
 * only when the request's turn comes, so such a socket ({@link UringSocket#linkedSends}) hands
 * its CLOSE to the kernel only once they have all completed ({@link SocketCloses}): else the
 * later ones would find the number closed ({@code EBADF}), or naming another socket.
 */
final class DatagramSubmissions {
    private final SubmissionQueue submissions;
    private final OperationTable operations;
    private final PortMetricsRecorder metrics;
    /** Tells the socket's close that one of its operations has completed ({@link SocketCloses}). */
    private final Consumer<UringSocket> operationDone;
    /** The sender of the receive completion being delivered; null outside its handler. */
    private InetSocketAddress receivedFrom;
    /** The last sender decoded: the next shares its objects where it is the same peer. */
    private InetSocketAddress lastSender;
    /** Receives the caller asked to cancel that have not completed yet: they are not re-armed. */
    private final Set<Long> cancelAsked = new HashSet<>();
    /** The slots of sends submitted in a chain that have not completed yet ({@link UringSocket#linkedSends}). */
    private final BitSet linkedSlots = new BitSet();

    DatagramSubmissions(SubmissionQueue submissions, OperationTable operations, PortMetricsRecorder metrics,
                        Consumer<UringSocket> operationDone) {
        this.submissions = submissions;
        this.operations = operations;
        this.metrics = metrics;
        this.operationDone = operationDone;
    }

    /** {@link dev.iocp.port.CompletionPort#submitSendTo} on a datagram socket of this port. */
    long submitSendTo(UringSocket socket, ByteBuffer buffer, InetSocketAddress target) {
        SubmissionChecks.sendBuffer(buffer);
        SubmissionChecks.sendTarget(socket, target);
        DirectBuffers.requireDirect(buffer);
        return sendTo(socket, buffer, target, false);
    }

    /** {@link dev.iocp.port.CompletionPort#submitSendsTo} on a datagram socket of this port ({@link #sendChain}). */
    int submitSendsTo(UringSocket socket, ByteBuffer[] buffers, InetSocketAddress[] targets, int count, long[] ids) {
        SubmissionChecks.sendsTo(socket, buffers, targets, count, ids);
        DirectBuffers.requireDirect(buffers, count);
        return sendChain(socket, buffers, targets, count, ids);
    }

    /** {@link dev.iocp.port.CompletionPort#submitReceiveFrom} on a datagram socket of this port. */
    long submitReceiveFrom(UringSocket socket, ByteBuffer buffer) {
        SubmissionChecks.receiveBuffer(buffer);
        DirectBuffers.requireDirect(buffer);
        return receiveFrom(socket, buffer);
    }

    /**
     * Submits a send-to whose arguments the port has checked. {@code linked}: the next entry
     * prepared waits for this one's result ({@code IOSQE_IO_LINK}).
     */
    private long sendTo(UringSocket socket, ByteBuffer buffer, InetSocketAddress target, boolean linked) {
        long id = begin(UserData.KIND_SEND_TO, socket, buffer);
        prepareSendTo(socket, id, buffer, target);
        if (linked) {
            submissions.flags(IOSQE_IO_LINK);
        }
        return id;
    }

    /**
     * Submits checked send-tos as one link chain (see the class comment), at most as many as the
     * submission queue has entries ({@link SubmissionQueue#capacity}, so that it passes
     * {@link SubmissionQueue#canLink}): a chain must reach the kernel in one submission, one cut
     * across two would run as two ({@link SubmissionQueue#beginChain} backlogs, whole, a chain
     * that does not fit behind what is queued).
     *
     * @return how many were submitted, their ids in {@code ids}
     */
    private int sendChain(UringSocket socket, ByteBuffer[] buffers, InetSocketAddress[] targets, int count, long[] ids) {
        int length = Math.min(count, submissions.capacity());
        if (length > 1) {
            submissions.beginChain(length);
        }
        for (int i = 0; i < length; i++) {
            ids[i] = sendTo(socket, buffers[i], targets[i], i < length - 1);
            if (length > 1) {
                linkedSlots.set(UserData.slot(ids[i]));
                socket.linkedSends++;
            }
        }
        return length;
    }

    /** Submits a receive-from whose arguments the port has checked. */
    private long receiveFrom(UringSocket socket, ByteBuffer buffer) {
        long id = begin(UserData.KIND_RECEIVE_FROM, socket, buffer);
        prepareReceiveFrom(socket, id, buffer);
        return id;
    }

    /** Takes a slot for an operation of {@code kind} on {@code socket}, its buffer pinned to it. */
    private long begin(int kind, UringSocket socket, ByteBuffer buffer) {
        metrics.submitted();
        long id = operations.acquireFor(kind, socket);
        operations.pin(UserData.slot(id), buffer);
        return id;
    }

    /** The SENDMSG of a datagram of {@code buffer}'s remaining bytes to {@code target} (null: the peer). */
    private void prepareSendTo(UringSocket socket, long id, ByteBuffer buffer, InetSocketAddress target) {
        int slot = UserData.slot(id);
        long msghdr = writeMessage(slot, buffer);
        if (target != null) {
            MemorySegment scratch = operations.scratch(slot);
            long name = operations.scratchBase(slot) + OperationTable.SOCKADDR;
            int length = Sockaddr.encode(scratch, name, target, socket.domain);
            scratch.set(JAVA_LONG, msghdr + SocketLayouts.MSG_NAME, scratch.address() + name);
            scratch.set(JAVA_INT, msghdr + SocketLayouts.MSG_NAMELEN, length);
        }
        submissions.prepare(IORING_OP_SENDMSG, socket.fd, id)
                .address(operations.scratch(slot).address() + msghdr).opFlags(MSG_NOSIGNAL);
    }

    /** The RECVMSG of one datagram into {@code buffer}'s remaining bytes, its sender into the slot. */
    private void prepareReceiveFrom(UringSocket socket, long id, ByteBuffer buffer) {
        int slot = UserData.slot(id);
        long msghdr = writeMessage(slot, buffer);
        MemorySegment scratch = operations.scratch(slot);
        long name = operations.scratchBase(slot) + OperationTable.SOCKADDR;
        scratch.set(JAVA_LONG, msghdr + SocketLayouts.MSG_NAME, scratch.address() + name);
        scratch.set(JAVA_INT, msghdr + SocketLayouts.MSG_NAMELEN, Sockaddr.MAX_SIZE);
        submissions.prepare(IORING_OP_RECVMSG, socket.fd, id).address(scratch.address() + msghdr);
    }

    /**
     * Ends the chains of sends in flight on {@code socket}, which is being closed (see the class
     * comment): shuts its sending side, synchronously, before its operations are cancelled.
     * Linux sets the shutdown on an unconnected UDP socket too, though shutdown(2) then answers
     * {@code ENOTCONN}; any answer is let be, the cancellation follows whatever it was.
     */
    static void stopChains(UringSocket socket) {
        if (socket.linkedSends > 0) {
            Syscalls.shutdown(socket.fd, SHUT_WR);
        }
    }

    /** Whether a user_data kind is one of the operations here. */
    static boolean isDatagramKind(int kind) {
        return kind == UserData.KIND_RECEIVE_FROM || kind == UserData.KIND_SEND_TO;
    }

    /**
     * Submits again a request that completed with {@code -EAGAIN} (see the class comment): its
     * slot still holds its msghdr, iovec and (for a send) target; of a receive's msghdr the kernel
     * wrote only the name's length and the flags, which are reset. POLL_FIRST: the socket was just
     * found empty, or full.
     */
    private void rearm(UringSocket socket, int kind, long id) {
        int slot = UserData.slot(id);
        MemorySegment scratch = operations.scratch(slot);
        long msghdr = operations.scratchBase(slot) + OperationTable.MSGHDR;
        if (kind == UserData.KIND_SEND_TO) {
            submissions.prepare(IORING_OP_SENDMSG, socket.fd, id).address(scratch.address() + msghdr)
                    .opFlags(MSG_NOSIGNAL).ioprio(IORING_RECVSEND_POLL_FIRST);
            return;
        }
        scratch.set(JAVA_INT, msghdr + SocketLayouts.MSG_NAMELEN, Sockaddr.MAX_SIZE);
        scratch.set(JAVA_INT, msghdr + SocketLayouts.MSG_FLAGS, 0);
        submissions.prepare(IORING_OP_RECVMSG, socket.fd, id).address(scratch.address() + msghdr)
                .ioprio(IORING_RECVSEND_POLL_FIRST);
    }

    /** The caller asked to cancel request {@code id}: should it end with EAGAIN, it is not re-armed. */
    void cancelling(long id) {
        cancelAsked.add(id);
    }

    /** Request {@code id} completed: whether its caller asked to cancel it. Forgets the request. */
    private boolean completedAfterCancel(long id) {
        return !cancelAsked.isEmpty() && cancelAsked.remove(id);
    }

    /** A msghdr without a name whose one iovec covers the buffer's remaining bytes; returns its offset. */
    private long writeMessage(int slot, ByteBuffer buffer) {
        MemorySegment scratch = operations.scratch(slot);
        long base = operations.scratchBase(slot);
        long msghdr = base + OperationTable.MSGHDR;
        scratch.asSlice(msghdr, SocketLayouts.MSGHDR.byteSize()).fill((byte) 0);
        long iovec = base + OperationTable.IOVECS;
        scratch.set(JAVA_LONG, iovec, DirectBuffers.address(buffer));
        scratch.set(JAVA_LONG, iovec + 8, buffer.remaining());
        scratch.set(JAVA_LONG, msghdr + SocketLayouts.MSG_IOV, scratch.address() + iovec);
        scratch.set(JAVA_LONG, msghdr + SocketLayouts.MSG_IOVLEN, 1L);
        return msghdr;
    }

    /**
     * Routes the CQE of a send-to or receive-from: re-arms the request when it ended with
     * EAGAIN, else delivers it as {@link Operation#SEND} or {@link Operation#RECEIVE}, a receive's
     * sender and truncation read from the slot before the slot is freed.
     *
     * @param portClosing whether the port is closing (nothing is re-armed then)
     * @return how many completions reached the handler (0 or 1)
     */
    int completed(long userData, int kind, int result, int cqeFlags, boolean portClosing, CompletionHandler handler) {
        int slot = operations.slotOf(userData);
        long key = operations.key(slot);
        UringSocket socket = operations.socket(slot);
        boolean cancelled = completedAfterCancel(userData);
        if (result == -Errno.EAGAIN) {
            if (!cancelled && socket.state == UringSocket.State.OPEN && !portClosing) {
                rearm(socket, kind, userData);
                return 0;
            }
            result = -Errno.ECANCELED; // it was asked to stop, and had not started
        }
        if (kind == UserData.KIND_SEND_TO) {
            if (linkedSlots.get(slot)) {
                linkedSlots.clear(slot);
                socket.linkedSends--;
            }
            operations.release(slot);
            operationDone.accept(socket);
            handler.onCompletion(key, Operation.SEND, result, 0, userData);
            return 1;
        }
        int flags = received(slot, result, cqeFlags);
        operations.release(slot);
        operationDone.accept(socket);
        try {
            handler.onCompletion(key, Operation.RECEIVE, result, flags, userData);
        } finally {
            receivedFrom = null;
        }
        return 1;
    }

    /**
     * A receive's CQE came: reads its sender (for {@link #receivedFrom()}) and truncation out of
     * the slot, which is still the operation's.
     *
     * @return the {@link CompletionFlags} of the completion
     */
    private int received(int slot, int result, int cqeFlags) {
        if (result < 0) {
            receivedFrom = null;
            return 0;
        }
        MemorySegment scratch = operations.scratch(slot);
        long base = operations.scratchBase(slot);
        InetSocketAddress sender = Sockaddr.decode(scratch, base + OperationTable.SOCKADDR, lastSender);
        receivedFrom = sender;
        if (sender != null) {
            lastSender = sender;
        }
        int msgFlags = scratch.get(JAVA_INT, base + OperationTable.MSGHDR + SocketLayouts.MSG_FLAGS);
        return ((msgFlags & MSG_TRUNC) != 0 ? CompletionFlags.TRUNCATED : 0)
                | ((cqeFlags & IORING_CQE_F_SOCK_NONEMPTY) != 0 ? CompletionFlags.INPUT_PENDING : 0);
    }

    /** See {@link dev.iocp.port.CompletionPort#receivedFrom()}. */
    InetSocketAddress receivedFrom() {
        if (receivedFrom == null) {
            throw new IllegalStateException("no datagram receive completion is being handled");
        }
        return receivedFrom;
    }
}
