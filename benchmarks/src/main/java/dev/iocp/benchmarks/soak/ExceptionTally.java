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
 * went away in the middle of a request body). A third follows from the first: this handler closes
 * the connection on a reset, and writes still queued then fail with a
 * {@code ClosedChannelException}, which the void promises the echo writes with fire down the
 * pipeline again ({@link #closedAfterReset}; on any transport, epoll's too, a reset that the read
 * side sees first leaves the queued writes to the close). Anything else ({@link #unexpected}) is a transport
 * or handler failure, and fails the soak; the first few are printed with their stack traces,
 * and all are counted by kind for the final report.
 */
@ChannelHandler.Sharable
final class ExceptionTally extends ChannelInboundHandlerAdapter {
    private static final int PRINTED_IN_FULL = 5;
    // The transport's errno names (io_uring and its nio backend alike), and the JDK's wording.
    /** Set on a channel once a reset has reached this handler (which closes it then). */
    private static final AttributeKey<Boolean> RESET_SEEN = AttributeKey.valueOf(ExceptionTally.class, "resetSeen");
    private static final String[] RESET_MARKERS = {"ECONNRESET", "EPIPE", "Connection reset", "Broken pipe"};

    private final AtomicLong resets = new AtomicLong();
    private final AtomicLong truncated = new AtomicLong();
    private final AtomicLong closedAfterReset = new AtomicLong();
    private final AtomicLong unexpected = new AtomicLong();
    private final FailureKinds unexpectedKinds = new FailureKinds();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (isPeerReset(cause)) {
            resets.incrementAndGet();
            ctx.channel().attr(RESET_SEEN).set(Boolean.TRUE);
        } else if (cause instanceof ClosedChannelException && ctx.channel().hasAttr(RESET_SEEN)) {
            closedAfterReset.incrementAndGet();
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

    /** Queued writes failed by the close this handler made after a reset (see the class comment). */
    long closedAfterReset() {
        return closedAfterReset.get();
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
