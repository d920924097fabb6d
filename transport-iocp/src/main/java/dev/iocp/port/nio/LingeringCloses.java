package dev.iocp.port.nio;

import dev.iocp.port.internal.CoalescedWakeup;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Closes of sockets with SO_LINGER above 0, run off the owner thread.
 *
 * <p>Closing such a socket blocks until the peer has acknowledged what is still unsent, or the
 * linger time is up: on the owner it would stall every socket of the port. So the close runs on
 * a daemon thread, and its CLOSE completion is queued on the port when it returns, like any
 * other. Before that, the channel must leave the selector: java.nio defers the close of a
 * registered channel to the selector (on the owner) and, to keep that from blocking, turns the
 * linger off, silently. So a close goes through three steps:
 * <ol>
 *   <li>{@link #add}: the owner cancels the channel's key, after the socket's waiting operations
 *       have been completed as cancelled;</li>
 *   <li>{@link #startDeregistered}: the owner, right after a selection has deregistered those
 *       channels, hands them to the daemon threads, which close them, lingering;</li>
 *   <li>{@link #drainFinished}: the owner queues the CLOSE completions of the closes that have
 *       returned; each one wakes the port.</li>
 * </ol>
 */
final class LingeringCloses {
    private static final ExecutorService CLOSERS = Executors.newCachedThreadPool(new DaemonThreads());

    private final CoalescedWakeup waker;
    /** Owner only: cancelled from the selector, not yet deregistered by a selection. */
    private final ArrayDeque<Pending> deregistering = new ArrayDeque<>();
    /** Written by the closing threads, read by the owner. */
    private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
    private volatile boolean portClosed;

    private record Pending(NioSocket socket, long closeId) {
    }

    private record Finished(long closeId, IOException failure) {
    }

    LingeringCloses(CoalescedWakeup waker) {
        this.waker = waker;
    }

    /** Owner: takes the socket's channel off the selector; the next selection deregisters it. */
    void add(NioSocket socket, long closeId) {
        SocketOperations ops = socket.operations;
        ops.channelClosed = true; // nothing more is tried on it
        SelectionKey key = ops.selectionKey;
        if (key != null) {
            key.cancel();
        }
        deregistering.add(new Pending(socket, closeId));
    }

    /** Whether a selection must run before {@link #startDeregistered}. */
    boolean hasDeregistering() {
        return !deregistering.isEmpty();
    }

    /** Owner, after a selection: closes the channels it deregistered, on the daemon threads. */
    void startDeregistered() {
        Pending pending;
        while ((pending = deregistering.poll()) != null) {
            NioSocket socket = pending.socket();
            long closeId = pending.closeId();
            CLOSERS.execute(() -> {
                IOException failure = socket.closeUnwatched(); // lingers here, not on the owner
                if (!portClosed) {
                    finished.add(new Finished(closeId, failure));
                    waker.wakeup();
                }
            });
        }
    }

    /** Whether closes have returned whose completions are not queued yet. */
    boolean hasFinished() {
        return !finished.isEmpty();
    }

    /** Owner: the closes that have returned, as (close id, failure or null) to complete. */
    void drainFinished(FinishedClose onFinished) {
        Finished done;
        while ((done = finished.poll()) != null) {
            onFinished.closed(done.closeId(), done.failure());
        }
    }

    @FunctionalInterface
    interface FinishedClose {
        void closed(long closeId, IOException failure);
    }

    /**
     * The port is closing: closes still waiting to start run now (their channels have left the
     * selector, which the port closes first), and no completion is queued any more.
     */
    void portClosed() {
        portClosed = true;
        List<NioSocket> left = new ArrayList<>();
        for (Pending pending : deregistering) {
            left.add(pending.socket());
        }
        deregistering.clear();
        finished.clear();
        for (NioSocket socket : left) {
            closeInBackground(socket);
        }
    }

    /** Closes a socket on a daemon thread with nothing to report: the port is gone. */
    static void closeInBackground(NioSocket socket) {
        CLOSERS.execute(socket::closeUnwatched);
    }

    private static final class DaemonThreads implements java.util.concurrent.ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "iocp-nio-lingering-close-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
