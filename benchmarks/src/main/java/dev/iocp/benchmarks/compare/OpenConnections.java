package dev.iocp.benchmarks.compare;

import java.util.concurrent.TimeUnit;

/**
 * The server's active child channels, counted by its handlers ({@code channelActive} and
 * {@code channelInactive}), so the orchestrator can wait until every idle connection is up, or
 * every closed one is gone, before it measures memory. Counting in the handler the workload already
 * has adds nothing to a connection's pipeline, so the memory measured per connection is the
 * transport's and the workload's, the same for every transport.
 */
final class OpenConnections {
    private int count;

    synchronized void opened() {
        count++;
        notifyAll();
    }

    synchronized void closed() {
        count--;
        notifyAll();
    }

    synchronized int count() {
        return count;
    }

    /** Waits until exactly {@code wanted} connections are active, at most {@code timeoutMillis}; the count then. */
    synchronized int await(int wanted, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long left;
        while (count != wanted && (left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return count;
    }
}
