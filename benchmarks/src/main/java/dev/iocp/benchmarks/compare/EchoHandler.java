package dev.iocp.benchmarks.compare;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The echo server's only handler: writes back whatever arrives, flushing once per read batch, with
 * backpressure (reading stops while the outbound buffer is above its high-water mark, as in the
 * bulk workload when the client reads slower than it sends). It also counts the active
 * connections, so no second handler is needed in a pipeline whose memory is being measured.
 */
@ChannelHandler.Sharable
final class EchoHandler extends ChannelInboundHandlerAdapter {
    private final OpenConnections connections;

    EchoHandler(OpenConnections connections) {
        this.connections = connections;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connections.opened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connections.closed();
        ctx.fireChannelInactive();
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
            // What is queued must go out for the channel to become writable again.
            ctx.flush();
        }
        // Asked again, not remembered from above: a transport whose flush writes at once (Netty's
        // NIO and epoll) can drain the buffer inside that flush and announce "writable" from
        // within it; turning reading off after that would stall the connection for good.
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ServerErrors.report("echo", ctx, cause);
    }
}
