package dev.iocp.channel;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What an event loop does when dequeuing from its port fails: it logs and pauses, each
 * consecutive failure twice as long as the one before, from {@value #FIRST_PAUSE_MILLIS} ms up
 * to a second (Netty's epoll loop pauses a second on every failure), never past the loop's next
 * scheduled task. A failure that lasts therefore costs a few wake-ups a second rather than a
 * core, and one that passes costs a millisecond. A wake-up from another thread ends a pause
 * early, so tasks are not held up. The loop itself keeps running its tasks; its channels' I/O
 * resumes when dequeuing succeeds again.
 */
final class FailureBackoff {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(FailureBackoff.class);
    private static final long FIRST_PAUSE_MILLIS = 1;
    private static final long LONGEST_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Object owner;
    private long nextPauseNanos = TimeUnit.MILLISECONDS.toNanos(FIRST_PAUSE_MILLIS);
    private long failures;
    /** The loop thread while it pauses, for {@link #interrupt()}. */
    private volatile Thread pausing;
    /** A wake-up that came while no pause was under way ends the next one at once. */
    private volatile boolean wakeupPending;

    FailureBackoff(Object owner) {
        this.owner = owner;
    }

    /** A dequeue succeeded: the next failure pauses briefly again. */
    void succeeded() {
        if (failures != 0) {
            logger.info("{} dequeues again after {} failure(s)", owner, failures);
            failures = 0;
            nextPauseNanos = TimeUnit.MILLISECONDS.toNanos(FIRST_PAUSE_MILLIS);
        }
    }

    /**
     * A dequeue failed: logs it (every failure up to ten in a row, then every hundredth) and
     * pauses, at most {@code limitNanos} (0 when the loop must not block).
     */
    void failed(Exception cause, long limitNanos) {
        failures++;
        long pause = Math.min(nextPauseNanos, limitNanos);
        if (failures <= 10 || failures % 100 == 0) {
            logger.warn("{} failed to dequeue completions (failure {} in a row); pausing {} ms before the next try",
                    owner, failures, TimeUnit.NANOSECONDS.toMillis(pause), cause);
        }
        nextPauseNanos = Math.min(LONGEST_PAUSE_NANOS, nextPauseNanos * 2);
        if (pause <= 0) {
            return;
        }
        pausing = Thread.currentThread();
        try {
            // Checked after pausing is published: a wake-up either sees the thread (and unparks
            // it) or was seen here.
            if (!wakeupPending) {
                LockSupport.parkNanos(this, pause);
            }
        } finally {
            pausing = null;
            wakeupPending = false;
        }
    }

    /** Ends a pause under way, or the next one; from any thread. */
    void interrupt() {
        wakeupPending = true;
        Thread thread = pausing;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }
}
