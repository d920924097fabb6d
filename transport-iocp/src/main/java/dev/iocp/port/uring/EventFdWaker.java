package dev.iocp.port.uring;

import dev.iocp.port.Errno;
import dev.iocp.port.PortException;
import dev.iocp.port.uring.sys.LinuxConstants;
import dev.iocp.port.uring.sys.Syscalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Wakes a port's owner from another thread: an eventfd with an {@code IORING_OP_READ} kept
 * armed on it, so a write from any thread completes that read and ends the owner's
 * {@code io_uring_enter} wait. The eventfd is blocking so the read is driven by io_uring's
 * internal poll rather than returning EAGAIN.
 *
 * <p>Wake-ups are coalesced by a three-state flag. The owner moves AWAKE → WAITING just before
 * it blocks; a waker only pays for the {@code write(2)} when it takes the flag from WAITING to
 * WOKEN. A wake-up while the owner is busy just marks it WOKEN (sticky: the owner's next
 * {@link #prepareToWait()} fails and it does not block). Only one waker per wait writes.
 */
final class EventFdWaker {
    private static final int AWAKE = 0;
    private static final int WAITING = 1;
    private static final int WOKEN = 2;

    static final long USER_DATA = UserData.encode(0, UserData.KIND_WAKEUP, 0);

    private final AtomicInteger state = new AtomicInteger(AWAKE);
    private final int fd;
    private final MemorySegment readBuffer;
    private final MemorySegment one;
    /** Guarded by this: false once closed, so that no late waker writes to a reused fd number. */
    private boolean open = true;
    private volatile long signals;

    EventFdWaker(Arena arena) throws PortException {
        int efd = Syscalls.eventfd(0, LinuxConstants.EFD_CLOEXEC);
        if (efd < 0) {
            throw new PortException("eventfd(): " + Errno.describe(efd), efd);
        }
        this.fd = efd;
        this.readBuffer = arena.allocate(8, 8);
        this.one = arena.allocate(8, 8);
        one.set(JAVA_LONG, 0, 1L);
    }

    /** Any thread: ends the owner's current wait, or makes its next one return at once. */
    void wakeup() {
        for (;;) {
            int s = state.get();
            if (s == WOKEN) {
                return;
            }
            if (state.compareAndSet(s, WOKEN)) {
                if (s == WAITING) {
                    signal();
                }
                return;
            }
        }
    }

    private synchronized void signal() {
        if (open) {
            signals++;
            Syscalls.write(fd, one.address(), 8);
        }
    }

    /**
     * Owner, right before blocking: publishes that it is about to wait.
     *
     * @return false if a wake-up came in since the last wait; the owner must not block then
     */
    boolean prepareToWait() {
        if (state.compareAndSet(AWAKE, WAITING)) {
            return true;
        }
        state.set(AWAKE);
        return false;
    }

    /** Owner, after the wait: wake-ups from here on are sticky again. */
    void awake() {
        state.set(AWAKE);
    }

    /** Owner: (re)arms the read that a wake-up completes. */
    void arm(SubmissionQueue submissions) {
        submissions.prepare(LinuxConstants.IORING_OP_READ, fd, USER_DATA).address(readBuffer.address()).length(8);
    }

    /** How many times a waker has had to write the eventfd (coalesced wake-ups do not). */
    long signals() {
        return signals;
    }

    synchronized void close() {
        if (open) {
            open = false;
            Syscalls.close(fd);
        }
    }
}
