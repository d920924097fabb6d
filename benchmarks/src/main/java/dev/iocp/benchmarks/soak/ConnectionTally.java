package dev.iocp.benchmarks.soak;

import io.netty.channel.Channel;
import io.netty.channel.socket.SocketChannel;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connections accepted so far and connections still open. Every accepted channel is tracked
 * from when its pipeline is set up until its close future completes, which happens for every
 * channel however it ends; one still tracked once every client is gone is a connection the
 * transport never finished closing, and {@link #stuck} says what state each such one is in.
 */
final class ConnectionTally {
    private final AtomicLong accepted = new AtomicLong();
    private final Set<Channel> live = ConcurrentHashMap.newKeySet();

    /** Tracks {@code child}, accepted by the server named {@code server}. */
    void track(SocketChannel child, String server) {
        accepted.incrementAndGet();
        live.add(child);
        child.attr(SoakAttributes.SERVER).set(server);
        child.closeFuture().addListener(closed -> {
            live.remove(child);
            if (live.isEmpty()) {
                synchronized (this) {
                    notifyAll();
                }
            }
        });
    }

    /** Waits until no connection is open, at most {@code nanos}; whether none is. */
    synchronized boolean awaitNoneLive(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        long left;
        while (!live.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return live.isEmpty();
    }

    long accepted() {
        return accepted.get();
    }

    int live() {
        return live.size();
    }

    /**
     * The connections still open, grouped by server and channel state. Read from outside the
     * event loops, so each state is a snapshot that may be a moment old; good enough to tell
     * what the stuck ones have in common.
     */
    FailureKinds stuck() {
        FailureKinds states = new FailureKinds();
        for (Channel channel : live) {
            SocketChannel socket = (SocketChannel) channel;
            states.add(socket.attr(SoakAttributes.SERVER).get()
                    + " open=" + socket.isOpen()
                    + " active=" + socket.isActive()
                    + " registered=" + socket.isRegistered()
                    + " input_shutdown=" + socket.isInputShutdown()
                    + " output_shutdown=" + socket.isOutputShutdown()
                    + " auto_read=" + socket.config().isAutoRead()
                    + " writable=" + socket.isWritable());
        }
        return states;
    }
}
