package dev.iocp.benchmarks.soak;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * Echoes every byte, with backpressure and half-closure.
 *
 * <p>Backpressure: when the outbound buffer passes its high-water mark (the client sends faster
 * than it reads) reading stops, and it starts again once the buffer has drained below the
 * low-water mark. Without this, a client that never reads would grow the server's memory
 * without bound, and the soak's memory figures would measure the clients, not the transport.
 *
 * <p>Half-closure (the channel runs with {@code ALLOW_HALF_CLOSURE}): when the client shuts its
 * output, everything it sent is still echoed, and the connection is closed once that has been
 * written, so a client that half-closes reads the whole echo and then the end of the stream.
 *
 * <p>Writes use the void promise on purpose: a failed write is then fired down the pipeline, where
 * {@link ExceptionTally} counts it, instead of failing a promise nobody looks at.
 */
@ChannelHandler.Sharable
final class BackpressureEcho extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.write(msg, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        if (!writable) {
            // What is queued must go out for the channel to become writable again.
            ctx.flush();
        }
        ctx.channel().config().setAutoRead(writable);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ChannelInputShutdownEvent.INSTANCE) {
            ctx.channel().attr(ExceptionTally.PEER_GOING).set(Boolean.TRUE);
            // Completes after every earlier write, so the close cannot cut the echo short.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        ctx.fireUserEventTriggered(evt);
    }
}
