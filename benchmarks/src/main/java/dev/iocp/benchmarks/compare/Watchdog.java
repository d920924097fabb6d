package dev.iocp.benchmarks.compare;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Closes what a blocking load client waits on when a server stops answering, so a transport that
 * loses a message fails its workload (the blocked read ends with an
 * {@link java.nio.channels.AsynchronousCloseException}) instead of hanging the whole comparison.
 */
final class Watchdog implements AutoCloseable {
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final ScheduledFuture<?> expiry;

    private Watchdog(ScheduledFuture<?> expiry) {
        this.expiry = expiry;
    }

    /** Closes {@code target} unless this watchdog is closed within {@code nanos}. */
    static Watchdog arm(Closeable target, long nanos) {
        return new Watchdog(TIMER.schedule(() -> {
            try {
                target.close();
            } catch (IOException e) {
                // closing is all it can do; the blocked caller reports the failure
            }
        }, nanos, TimeUnit.NANOSECONDS));
    }

    @Override
    public void close() {
        expiry.cancel(false);
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "load-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        // One watchdog per idle connection: cancelled ones must not pile up until they would have fired.
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
