package dev.iocp.port;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The wake-up protocol every backend's {@link CompletionPort#wakeup()} follows; a backend
 * supplies only {@link #signal()}, the system call that ends its owner's wait.
 *
 * <p>A three-state flag coalesces wake-ups. The owner moves AWAKE → WAITING just before it
 * blocks; a waker pays for {@link #signal()} only when it takes the flag from WAITING to WOKEN,
 * so only one waker per wait makes the system call. A wake-up while the owner is busy just marks
 * it WOKEN, which is sticky: the owner's next {@link #prepareToWait()} fails and it does not
 * block — Netty's event loop relies on that (a task queued before the wait must end it).
 */
public abstract class CoalescedWakeup {
    private static final int AWAKE = 0;
    private static final int WAITING = 1;
    private static final int WOKEN = 2;

    private final AtomicInteger state = new AtomicInteger(AWAKE);
    private volatile long signals;

    /** Ends the owner's wait; called by at most one waker per wait. */
    protected abstract void signal();

    /** Any thread: ends the owner's current wait, or makes its next one return at once. */
    public final void wakeup() {
        for (;;) {
            int s = state.get();
            if (s == WOKEN) {
                return;
            }
            if (state.compareAndSet(s, WOKEN)) {
                if (s == WAITING) {
                    signals++; // racy by design: only one waker per wait gets here
                    signal();
                }
                return;
            }
        }
    }

    /**
     * Owner, right before blocking: publishes that it is about to wait.
     *
     * @return false if a wake-up came in since the last wait; the owner must not block then
     */
    public final boolean prepareToWait() {
        if (state.compareAndSet(AWAKE, WAITING)) {
            return true;
        }
        state.set(AWAKE);
        return false;
    }

    /** Owner, after the wait: wake-ups from here on are sticky again. */
    public final void awake() {
        state.set(AWAKE);
    }

    /** How often a waker had to {@link #signal()}; coalesced wake-ups do not count. */
    public final long signals() {
        return signals;
    }
}
