package dev.iocp.port.internal;

import dev.iocp.port.CompletionPort;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The wake-up protocol every backend's {@link CompletionPort#wakeup()} follows; a backend
 * supplies only {@link #signal()}, the system call that ends its owner's wait.
 *
 * <p>A three-state flag coalesces wake-ups. The owner moves AWAKE → WAITING just before it
 * blocks; a waker pays for {@link #signal()} only when it takes the flag from WAITING to WOKEN,
 * so only one waker per wait makes the system call. A wake-up while the owner is busy just marks
 * it WOKEN, which is sticky: the owner's next {@link #prepareToWait()} fails and it does not
 * block — Netty's event loop relies on that (a task queued before the wait must end it).
 *
 * <p><b>A failed signal</b> leaves the owner asleep, so the flag goes back from WOKEN to
 * WAITING: the next wake-up signals again instead of coalescing into the one that failed. (A
 * wake-up that raced in between and found WOKEN is lost with the failed one: the owner wakes at
 * its wait's timeout, or, when it waits without one, at the next completion or wake-up.) The failure is logged, at WARNING the first time on this port and
 * at FINE after, not thrown: the callers of {@code wakeup()} and {@code post()} are arbitrary
 * threads whose work is already queued when the signal fails, so an exception would wrongly tell
 * them it was not, and they could do nothing about a kernel refusing the signal anyway.
 *
 * <p>The port's metrics count the signals (by the waker that made one) and the waits skipped
 * because wake-ups came while the owner was busy (by the owner); wake-ups that find the flag
 * WOKEN already cost nothing, not even a count.
 */
public abstract class CoalescedWakeup {
    private static final Logger LOG = Logger.getLogger(CoalescedWakeup.class.getName());

    private static final int AWAKE = 0;
    private static final int WAITING = 1;
    private static final int WOKEN = 2;

    private final AtomicInteger state = new AtomicInteger(AWAKE);
    private final AtomicBoolean failureReported = new AtomicBoolean();
    private final PortMetricsRecorder metrics;

    /** @param metrics where signals and coalesced wake-ups are counted */
    protected CoalescedWakeup(PortMetricsRecorder metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * Ends the owner's wait; called by at most one waker per wait.
     *
     * @throws IOException if the system call failed, so the owner may still be waiting
     */
    protected abstract void signal() throws IOException;

    /** Any thread: ends the owner's current wait, or makes its next one return at once. */
    public final void wakeup() {
        for (;;) {
            int s = state.get();
            if (s == WOKEN) {
                return;
            }
            if (state.compareAndSet(s, WOKEN)) {
                if (s == WAITING) {
                    signalOwner();
                }
                return;
            }
        }
    }

    private void signalOwner() {
        boolean signalled = false;
        try {
            signal();
            signalled = true;
            metrics.wakeupSignalled();
        } catch (IOException e) {
            reportFailure(e);
        } finally {
            if (!signalled) {
                // Still WOKEN means the owner has not woken by itself since: it sleeps on, so the
                // next wake-up must signal again.
                state.compareAndSet(WOKEN, WAITING);
            }
        }
    }

    private void reportFailure(IOException e) {
        boolean first = failureReported.compareAndSet(false, true);
        LOG.log(first ? Level.WARNING : Level.FINE, "a wake-up could not reach the port's owner thread ("
                + e.getMessage() + "); the next wake-up will signal again"
                + (first ? "; further failures on this port are logged at FINE" : ""), e);
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
        metrics.wakeupsCoalesced();
        return false;
    }

    /** Owner, after the wait: wake-ups from here on are sticky again. */
    public final void awake() {
        state.set(AWAKE);
    }
}
