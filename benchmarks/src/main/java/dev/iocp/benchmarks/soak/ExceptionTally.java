package dev.iocp.benchmarks.soak;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.PrematureChannelClosureException;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last handler of every pipeline: counts the exceptions that reach the end of it, and
 * closes the connection.
 *
 * <p>Two sorts are the expected result of clients killed mid-transfer and are counted apart:
 * {@link #resets} (an {@code IOException} saying connection reset or broken pipe) and
 * {@link #truncated} (the HTTP aggregator's {@code PrematureChannelClosureException}: the client
 * went away in the middle of a request body). Anything else ({@link #unexpected}) is a transport
 * or handler failure, and fails the soak; the first few are printed with their stack traces,
 * and all are counted by kind for the final report.
 */
@ChannelHandler.Sharable
final class ExceptionTally extends ChannelInboundHandlerAdapter {
    private static final int PRINTED_IN_FULL = 5;
    // The transport's errno names (io_uring and its nio backend alike), and the JDK's wording.
    private static final String[] RESET_MARKERS = {"ECONNRESET", "EPIPE", "Connection reset", "Broken pipe"};

    private final AtomicLong resets = new AtomicLong();
    private final AtomicLong truncated = new AtomicLong();
    private final AtomicLong unexpected = new AtomicLong();
    private final FailureKinds unexpectedKinds = new FailureKinds();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (isPeerReset(cause)) {
            resets.incrementAndGet();
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
