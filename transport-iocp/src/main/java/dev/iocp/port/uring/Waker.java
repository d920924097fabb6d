package dev.iocp.port.uring;

import dev.iocp.port.internal.CoalescedWakeup;
import dev.iocp.port.Errno;
import dev.iocp.port.PortException;
import dev.iocp.port.internal.PortMetricsRecorder;
import dev.iocp.port.uring.sys.IoUringLayouts;
import dev.iocp.port.uring.sys.LinuxConstants;
import dev.iocp.port.uring.sys.Syscalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Wakes a port's owner from another thread, by making a CQE appear in its ring, which ends the
 * owner's {@code io_uring_enter} wait; the {@link CoalescedWakeup} protocol makes sure this only
 * happens when the owner is actually blocked.
 * <ul>
 *   <li>On 6.13 and newer: {@code IORING_REGISTER_SEND_MSG_RING} posts the CQE directly, one
 *       system call from the waker and nothing to re-arm for the owner.</li>
 *   <li>Before: an eventfd with an {@code IORING_OP_READ} kept armed on it; a write completes
 *       the read. The eventfd is blocking so that the read is driven by io_uring's internal
 *       poll rather than answering EAGAIN.</li>
 * </ul>
 */
final class Waker extends CoalescedWakeup {
    static final long USER_DATA = UserData.encode(0, UserData.KIND_WAKEUP, 0);

    private final int fd;
    private final MemorySegment readBuffer;
    private final MemorySegment one;
    /** An MSG_RING SQE aimed at the owner's ring; set once the kernel is known to take it. */
    private final MemorySegment message;
    private volatile boolean messageRing;
    /** Guarded by this: false once closed, so that no late waker writes to a reused fd number. */
    private boolean open = true;

    Waker(Arena arena, PortMetricsRecorder metrics) throws PortException {
        super(metrics);
        int efd = Syscalls.eventfd(0, LinuxConstants.EFD_CLOEXEC);
        if (efd < 0) {
            throw new PortException("eventfd(): " + Errno.describe(efd), efd);
        }
        this.fd = efd;
        try {
            this.readBuffer = arena.allocate(8, 8);
            this.one = arena.allocate(8, 8);
            this.message = arena.allocate(IoUringLayouts.SQE_SIZE, 8);
        } catch (RuntimeException | Error e) {
            Syscalls.close(efd);
            throw e;
        }
        one.set(JAVA_LONG, 0, 1L);
    }

    /**
     * Owner, once its ring is enabled: prefers SEND_MSG_RING when allowed, trying it once (the
     * CQE it posts is consumed like any wake-up); falls back to arming the eventfd read.
     *
     * @return whether the eventfd read was armed (and so will complete once)
     */
    boolean start(int ringFd, SubmissionQueue submissions, boolean tryMessageRing) {
        message.set(JAVA_BYTE, IoUringLayouts.SQE_OPCODE, LinuxConstants.IORING_OP_MSG_RING);
        message.set(JAVA_INT, IoUringLayouts.SQE_FD, ringFd);
        message.set(JAVA_LONG, IoUringLayouts.SQE_OFF, USER_DATA); // the user_data of the posted CQE
        messageRing = tryMessageRing && sendMessage() >= 0;
        if (!messageRing) {
            arm(submissions);
        }
        return !messageRing;
    }

    private int sendMessage() {
        return Syscalls.ioUringRegister(-1, LinuxConstants.IORING_REGISTER_SEND_MSG_RING, message.address(), 1);
    }

    /** Whether wake-ups post straight into the ring (no eventfd read to re-arm). */
    boolean usesMessageRing() {
        return messageRing;
    }

    @Override
    protected synchronized void signal() throws PortException {
        if (!open) {
            return; // the port is closed: nobody is left to wake
        }
        if (messageRing) {
            int rc = sendMessage();
            if (rc < 0) {
                throw new PortException("io_uring_register(SEND_MSG_RING): " + Errno.describe(rc), rc);
            }
        } else {
            long rc = Syscalls.write(fd, one.address(), 8);
            if (rc < 0) {
                throw new PortException("write(wake-up eventfd " + fd + "): " + Errno.describe((int) rc), (int) rc);
            }
        }
    }

    /** Owner: (re)arms the read that a wake-up completes. */
    void arm(SubmissionQueue submissions) {
        submissions.prepare(LinuxConstants.IORING_OP_READ, fd, USER_DATA).address(readBuffer.address()).length(8);
    }

    synchronized void close() {
        if (open) {
            open = false;
            Syscalls.close(fd);
        }
    }
}
