package dev.iocp.examples;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one message when connected and checks, as the echo comes back in however many pieces,
 * that every byte matches what was sent. Comparing piece by piece, instead of collecting the
 * whole echo first, keeps a large echo from needing a second copy in memory and pinpoints the
 * first wrong byte.
 */
final class EchoClientHandler extends ChannelInboundHandlerAdapter {
    private final byte[] message;
    private final CompletableFuture<Integer> result;
    // Written by the event loop only; volatile so a timed-out caller can report progress.
    private volatile int received;

    /**
     * @param result completed with the number of bytes echoed intact, or exceptionally with
     *               what went wrong
     */
    EchoClientHandler(byte[] message, CompletableFuture<Integer> result) {
        this.message = message;
        this.result = result;
    }

    /** Bytes echoed intact so far, for progress in error messages. */
    int received() {
        return received;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (message.length == 0) {
            result.complete(0);
            ctx.close();
            return;
        }
        ctx.writeAndFlush(Unpooled.wrappedBuffer(message)).addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                fail(ctx, new IOException("sending the message failed", future.cause()));
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf piece = (ByteBuf) msg;
        try {
            int length = piece.readableBytes();
            if (received + length > message.length) {
                fail(ctx, new IOException("echo is longer than the " + message.length + " bytes sent"));
                return;
            }
            for (int i = 0; i < length; i++) {
                if (piece.getByte(piece.readerIndex() + i) != message[received + i]) {
                    fail(ctx, new IOException("echo differs from the message at byte " + (received + i)));
                    return;
                }
            }
            received += length;
        } finally {
            piece.release();
        }
        if (received == message.length) {
            result.complete(received);
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        result.completeExceptionally(new IOException("connection closed after " + received + " of "
                + message.length + " bytes were echoed"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        result.completeExceptionally(cause);
        ctx.close();
    }
}
