package dev.iocp.port.nio;

import java.nio.channels.Selector;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wakes a port's owner from another thread by {@linkplain Selector#wakeup() waking its
 * selector}, which costs a system call (a write to the selector's wake-up descriptor), so
 * wake-ups are coalesced by a three-state flag, as the io_uring backend's waker does.
 *
 * <p>The owner moves AWAKE → WAITING just before it blocks in {@code select}; a waker pays for
 * {@code Selector.wakeup()} only when it takes the flag from WAITING to WOKEN. A wake-up while
 * the owner is busy just marks it WOKEN, which is sticky: the owner's next
 * {@link #prepareToWait()} fails and it does not block. Only one waker per wait signals.
 */
final class SelectorWaker {
    private static final int AWAKE = 0;
    private static final int WAITING = 1;
    private static final int WOKEN = 2;

    private final AtomicInteger state = new AtomicInteger(AWAKE);
    private final Selector selector;
    private volatile long signals;

    SelectorWaker(Selector selector) {
        this.selector = selector;
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

    private void signal() {
        signals++; // racy by design: only one waker per wait gets here
        // Harmless once the selector is closed: the JDK then treats wake-ups as already sent.
        selector.wakeup();
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

    /** How many times a waker has had to wake the selector (coalesced wake-ups do not count). */
    long signals() {
        return signals;
    }
}
