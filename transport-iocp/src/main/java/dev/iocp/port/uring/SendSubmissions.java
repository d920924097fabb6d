package dev.iocp.port.uring;

import dev.iocp.port.SendSegments;
import dev.iocp.port.internal.SubmissionChecks;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import static dev.iocp.port.uring.sys.LinuxConstants.IORING_OP_SEND;
import static dev.iocp.port.uring.sys.LinuxConstants.IORING_OP_SENDMSG;
import static dev.iocp.port.uring.sys.LinuxConstants.IORING_OP_SENDMSG_ZC;
import static dev.iocp.port.uring.sys.LinuxConstants.IORING_OP_SEND_ZC;
import static dev.iocp.port.uring.sys.LinuxConstants.MSG_NOSIGNAL;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Writes the SQEs of a port's sends: SEND for one buffer or segment, SENDMSG over the slot's
 * iovec array for several, and their zero-copy forms SEND_ZC and SENDMSG_ZC where the caller asks
 * for them and the kernel has them (6.0, 6.1). Every send carries {@code MSG_NOSIGNAL}: a peer that
 * is gone is an {@code EPIPE} result, not a SIGPIPE.
 *
 * <p>A send of {@link SendSegments} is {@linkplain #stage staged} before the port takes a slot:
 * the segments' addresses and lengths are read into arrays kept here, so that anything the
 * caller's code might throw is thrown while nothing is taken yet.
 */
final class SendSubmissions {
    private final SubmissionQueue submissions;
    private final OperationTable operations;
    private final ZeroCopySends zeroCopy = new ZeroCopySends();
    private final boolean zeroCopySupported;
    private long[] addresses = new long[OperationTable.INLINE_IOVECS];
    private int[] lengths = new int[OperationTable.INLINE_IOVECS];

    SendSubmissions(SubmissionQueue submissions, OperationTable operations, boolean zeroCopySupported) {
        this.submissions = submissions;
        this.operations = operations;
        this.zeroCopySupported = zeroCopySupported;
    }

    /** Whether zero-copy sends are submitted as such (else as copying sends). */
    boolean zeroCopySupported() {
        return zeroCopySupported;
    }

    /** The zero-copy sends in flight. */
    ZeroCopySends zeroCopy() {
        return zeroCopy;
    }

    /**
     * Checks the segments and reads their addresses and lengths.
     *
     * @return how many there are
     */
    int stage(SendSegments segments) {
        int count = SubmissionChecks.segments(segments);
        if (count > addresses.length) {
            int capacity = Math.max(count, addresses.length * 2);
            addresses = new long[capacity];
            lengths = new int[capacity];
        }
        for (int i = 0; i < count; i++) {
            addresses[i] = segments.address(i);
            lengths[i] = segments.length(i);
        }
        return count;
    }

    /** The SQE of the segments just {@linkplain #stage staged}, sent by operation {@code id}. */
    void prepareStaged(int fd, long id, int count, boolean zeroCopyAsked) {
        boolean zc = zeroCopyAsked && zeroCopySupported;
        if (zc) {
            zeroCopy.submitted(UserData.slot(id));
        }
        if (count == 1) {
            prepareSend(zc ? IORING_OP_SEND_ZC : IORING_OP_SEND, fd, id, addresses[0], lengths[0]);
            return;
        }
        int slot = UserData.slot(id);
        long iovecs = operations.writeIovecs(slot, addresses, lengths, count);
        prepareMessage(zc ? IORING_OP_SENDMSG_ZC : IORING_OP_SENDMSG, fd, id, iovecs, count);
    }

    /** The SQE of a send of one buffer's remaining bytes, starting at {@code address}. */
    void prepare(int fd, long id, long address, int length) {
        prepareSend(IORING_OP_SEND, fd, id, address, length);
    }

    /** The SQE of a gathering send of {@code buffers[offset .. offset+length)}, all direct. */
    void prepareGather(int fd, long id, ByteBuffer[] buffers, int offset, int length) {
        long iovecs = operations.writeIovecs(UserData.slot(id), buffers, offset, length);
        prepareMessage(IORING_OP_SENDMSG, fd, id, iovecs, length);
    }

    private void prepareSend(byte opcode, int fd, long id, long address, int length) {
        submissions.prepare(opcode, fd, id).address(address).length(length).opFlags(MSG_NOSIGNAL);
    }

    /** A SENDMSG (or SENDMSG_ZC) over a msghdr in the slot's scratch that points at {@code iovecs}. */
    private void prepareMessage(byte opcode, int fd, long id, long iovecs, int count) {
        int slot = UserData.slot(id);
        MemorySegment scratch = operations.scratch(slot);
        long msghdr = operations.scratchBase(slot) + OperationTable.MSGHDR;
        // struct msghdr (56 bytes): name, namelen, iov, iovlen, control, controllen, flags.
        for (long at = 0; at < 56; at += 8) {
            scratch.set(JAVA_LONG, msghdr + at, 0L);
        }
        scratch.set(JAVA_LONG, msghdr + 16, iovecs); // msg_iov
        scratch.set(JAVA_LONG, msghdr + 24, count);  // msg_iovlen
        submissions.prepare(opcode, fd, id).address(scratch.address() + msghdr).opFlags(MSG_NOSIGNAL);
    }
}
