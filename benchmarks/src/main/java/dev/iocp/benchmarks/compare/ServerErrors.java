package dev.iocp.benchmarks.compare;

import io.netty.channel.ChannelHandlerContext;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Failures at the end of a comparison server's pipelines. I/O errors are how a load client's
 * connection ends (a client that closes with echoes unread resets it); they close the channel
 * quietly. Anything else is a fault worth seeing in the server's log, so the first few are printed,
 * and the count of all of them is part of every stats reply ({@code errors=}).
 */
final class ServerErrors {
    private static final int PRINTED = 10;
    private static final AtomicLong UNEXPECTED = new AtomicLong();

    private ServerErrors() {
    }

    static void report(String server, ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException) && UNEXPECTED.incrementAndGet() <= PRINTED) {
            System.err.println(server + " connection " + ctx.channel().remoteAddress() + " failed:");
            cause.printStackTrace();
        }
        ctx.close();
    }

    /** Failures other than I/O errors so far. */
    static long unexpected() {
        return UNEXPECTED.get();
    }
}
