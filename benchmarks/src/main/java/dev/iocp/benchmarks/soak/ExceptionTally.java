package dev.iocp.benchmarks.soak;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.util.AttributeKey;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last handler of every pipeline: counts the exceptions that reach the end of it, and
 * closes the connection.
 *
 * <p>Two sorts are the expected result of clients killed mid-transfer and are counted apart:
 * {@link #resets} (an {@code IOException} saying connection reset or broken pipe) and
 * {@link #truncated} (the HTTP aggregator's {@code PrematureChannelClosureException}: the client
 * went away in the middle of a request body). A third follows from a client killed after it
 * half-closed, or reset: writes still queued when the connection closes fail with a
 * {@code ClosedChannelException}, which the void promises the echo writes with fire down the
 * pipeline ({@link #closedAfterPeerGone}). The close is this handler's, after a reset reached it,
 * or the transport's, when the input had ended and shutting it down found the connection reset
 * (epoll's {@code shutdownInput} closes the same way); the drivers verify every byte of the
 * sessions that were not killed, so a close that cut a live echo short fails them instead.
 * Anything else ({@link #unexpected}) is a transport
 * or handler failure, and fails the soak; the first few are printed with their stack traces,
 * and all are counted by kind for the final report.
 */
@ChannelHandler.Sharable
final class ExceptionTally extends ChannelInboundHandlerAdapter {
    private static final int PRINTED_IN_FULL = 5;
    // The transport's errno names (io_uring and its nio backend alike), and the JDK's wording.
    /**
     * Set on a channel once its peer is known to be going: a reset reached this handler (which
     * closes it then), or the input ended ({@link BackpressureEcho}).
     */
    static final AttributeKey<Boolean> PEER_GOING = AttributeKey.valueOf(ExceptionTally.class, "peerGoing");
    private static final String[] RESET_MARKERS = {"ECONNRESET", "EPIPE", "Connection reset", "Broken pipe"};

    private final AtomicLong resets = new AtomicLong();
    private final AtomicLong truncated = new AtomicLong();
    private final AtomicLong closedAfterPeerGone = new AtomicLong();
    private final AtomicLong unexpected = new AtomicLong();
    private final FailureKinds unexpectedKinds = new FailureKinds();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (isPeerReset(cause)) {
            resets.incrementAndGet();
            ctx.channel().attr(PEER_GOING).set(Boolean.TRUE);
        } else if (cause instanceof ClosedChannelException && ctx.channel().hasAttr(PEER_GOING)) {
            closedAfterPeerGone.incrementAndGet();
        } else if (cause instanceof PrematureChannelClosureException) {
            truncated.incrementAndGet();
        } else {
            long n = unexpected.incrementAndGet();
            unexpectedKinds.add(FailureKinds.of(cause));
            if (n <= PRINTED_IN_FULL) {
                System.err.println("soak-unexpected #" + n + " on " + ctx.channel() + ":");
                cause.printStackTrace();
            }
        }
        ctx.close();
    }

    /** An I/O error saying the peer reset the connection or stopped reading: a killed client. */
    static boolean isPeerReset(Throwable cause) {
        if (!(cause instanceof IOException) || cause.getMessage() == null) {
            return false;
        }
        for (String marker : RESET_MARKERS) {
            if (cause.getMessage().contains(marker)) {
                return true;
            }
        }
        return false;
    }

    long resets() {
        return resets.get();
    }

    /** Queued writes failed by a close after the peer reset or ended its input (see the class comment). */
    long closedAfterPeerGone() {
        return closedAfterPeerGone.get();
    }

    long truncated() {
        return truncated.get();
    }

    long unexpected() {
        return unexpected.get();
    }

    FailureKinds unexpectedKinds() {
        return unexpectedKinds;
    }
}
