package dev.iocp.examples;

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
 * Answers every request with {@code Hello, World!}.
 *
 * <p>Responses are written as requests are read and flushed once per read batch
 * ({@link #channelReadComplete}): a client that pipelines ten requests gets ten responses in one
 * flush, and so, usually, one system call. Request bodies are ignored; the base class releases
 * them.
 */
@ChannelHandler.Sharable
final class HelloWorldHandler extends SimpleChannelInboundHandler<HttpObject> {
    static final HelloWorldHandler INSTANCE = new HelloWorldHandler();

    static final String CONTENT_TYPE = HttpHeaderValues.TEXT_PLAIN + "; charset=UTF-8";
    private static final byte[] CONTENT = "Hello, World!".getBytes(StandardCharsets.UTF_8);

    private HelloWorldHandler() {
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (HttpErrors.rejectIfUndecodable(ctx, msg) || !(msg instanceof HttpRequest request)) {
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(CONTENT));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, CONTENT.length);
        // HTTP/1.0 clients need "Connection: keep-alive" to keep the connection; the keep-alive
        // handler downstream takes care of "close".
        if (HttpUtil.isKeepAlive(request)) {
            HttpUtil.setKeepAlive(response, true);
        }
        ctx.write(response);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        System.err.println("HTTP connection " + ctx.channel().remoteAddress() + " failed: " + cause);
        ctx.close();
    }
}
