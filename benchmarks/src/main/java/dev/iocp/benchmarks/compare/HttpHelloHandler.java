package dev.iocp.benchmarks.compare;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

import java.nio.charset.StandardCharsets;

/**
 * Answers every request with {@code Hello, World!}, after {@code HttpServerCodec} and
 * {@code HttpServerKeepAliveHandler}: the plain Netty HTTP/1.1 server a user would write, the same
 * for every transport. Responses are written as requests are decoded and flushed once per read
 * batch, so a pipelined batch of requests is answered with one flush. Also counts the active
 * connections ({@link OpenConnections}).
 */
@ChannelHandler.Sharable
final class HttpHelloHandler extends SimpleChannelInboundHandler<HttpObject> {
    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private final OpenConnections connections;

    HttpHelloHandler(OpenConnections connections) {
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
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (msg.decoderResult().isFailure()) {
            // wrk sends only well-formed requests: a request that does not decode means bytes
            // were lost or mangled on the way in.
            ctx.fireExceptionCaught(msg.decoderResult().cause());
            return;
        }
        if (!(msg instanceof HttpRequest request)) {
            return; // the (empty) last content of a GET
        }
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(BODY));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
        // HTTP/1.0 clients keep the connection only when asked; the keep-alive handler before us
        // closes after this response when the request wants that.
        HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
        ctx.write(response, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ServerErrors.report("http", ctx, cause);
    }
}
