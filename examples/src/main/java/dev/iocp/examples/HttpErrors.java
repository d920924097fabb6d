package dev.iocp.examples;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

import java.nio.charset.StandardCharsets;

/**
 * Error responses of the HTTP example servers, and the rule for input the codec could not
 * decode: answer it, then close, because after a decoding failure the codec discards the rest
 * of the connection's input and no further request on it could be read.
 */
final class HttpErrors {
    private HttpErrors() {
    }

    /**
     * If {@code msg} failed to decode, answers with the matching status and closes the
     * connection once the answer (and any response queued before it) is sent.
     *
     * @return whether {@code msg} was such a failure, i.e. already dealt with
     */
    static boolean rejectIfUndecodable(ChannelHandlerContext ctx, HttpObject msg) {
        DecoderResult result = msg.decoderResult();
        if (!result.isFailure()) {
            return false;
        }
        if (msg instanceof HttpRequest) {
            HttpResponseStatus status = statusFor(result.cause());
            FullHttpResponse response = textResponse(HttpVersion.HTTP_1_1, status,
                    status + ": " + result.cause().getMessage());
            HttpUtil.setKeepAlive(response, false);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            // A broken body of a request that was already answered: another response would be
            // one too many, so send what is queued and hang up.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        return true;
    }

    /** The status that answers a decoding failure: 431 and 414 for the two limits, else 400. */
    static HttpResponseStatus statusFor(Throwable decodingFailure) {
        if (decodingFailure instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        if (decodingFailure instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }

    /**
     * Queues (without flushing) an error answer to a well-formed {@code request}; the connection
     * stays open if the request allows it.
     */
    static void write(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status) {
        ctx.write(response(request, status));
    }

    /** An error answer to a well-formed {@code request}, keeping the connection if it may. */
    static FullHttpResponse response(HttpRequest request, HttpResponseStatus status) {
        FullHttpResponse response = textResponse(request.protocolVersion(), status, status.toString());
        if (HttpUtil.isKeepAlive(request)) {
            HttpUtil.setKeepAlive(response, true);
        }
        return response;
    }

    /** A complete plain-text response with its length. */
    static FullHttpResponse textResponse(HttpVersion version, HttpResponseStatus status, String text) {
        FullHttpResponse response = new DefaultFullHttpResponse(version, status,
                Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=UTF-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }
}
