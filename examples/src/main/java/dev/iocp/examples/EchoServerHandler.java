package dev.iocp.examples;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Writes back whatever arrives. Writes are queued as reads come in and flushed once per read
 * batch, so a burst of reads costs one flush. When the peer sends faster than it reads, the
 * outbound buffer grows past its high-water mark; reading then pauses until it drains, which
 * keeps the server's memory bounded by the peer's reading, not by its sending.
 */
@ChannelHandler.Sharable
final class EchoServerHandler extends ChannelInboundHandlerAdapter {
    static final EchoServerHandler INSTANCE = new EchoServerHandler();

    private EchoServerHandler() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.write(msg, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!ctx.channel().isWritable()) {
            // Push out what is queued; the write completions will make the channel writable again.
            ctx.flush();
        }
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        System.err.println("echo connection " + ctx.channel().remoteAddress() + " failed: " + cause);
        ctx.close();
    }
}
