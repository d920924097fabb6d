package dev.iocp.benchmarks.soak;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * Answers every (aggregated) request with {@code Hello, World!}, and two headers that let the
 * client check the exchange end to end: {@value SoakHttp#SEQUENCE} repeats the request's own, so a
 * response delivered to the wrong request or out of order is caught, and {@value SoakHttp#BODY_CRC}
 * is the CRC-32 of the request body as the server received it, so a corrupted upload is caught.
 *
 * <p>Responses are written as requests arrive and flushed once per read batch, as a pipelining
 * server should. A request the codec could not decode cannot come from the soak's clients, which
 * send only well-formed requests; it means bytes were lost or mangled on the way in, so it is
 * fired as an exception, and {@link ExceptionTally} counts it as unexpected. The one exception is
 * a request cut short because the connection closed mid-way (a killed client), which is passed
 * on as the codec reports it and counted as truncated.
 */
@ChannelHandler.Sharable
final class HelloHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            // The codec's way of saying the connection closed in the middle of a request: a
            // killed client, passed on as such. Anything else is a mangled request.
            ctx.fireExceptionCaught(cause instanceof PrematureChannelClosureException ? cause
                    : new DecoderException("undecodable request", cause));
            return;
        }
        ByteBuf content = ctx.alloc().buffer(SoakHttp.BODY.length).writeBytes(SoakHttp.BODY);
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, SoakHttp.BODY.length)
                .set(SoakHttp.BODY_CRC, Long.toHexString(crc32(request.content())));
        String sequence = request.headers().get(SoakHttp.SEQUENCE);
        if (sequence != null) {
            response.headers().set(SoakHttp.SEQUENCE, sequence);
        }
        // The keep-alive handler before us closes after this response when the request asked.
        HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
        ctx.write(response, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    private static long crc32(ByteBuf body) {
        CRC32 crc = new CRC32();
        // An aggregated body may be a composite of several buffers.
        for (ByteBuffer part : body.nioBuffers()) {
            crc.update(part);
        }
        return crc.getValue();
    }
}
