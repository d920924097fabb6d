package dev.iocp.examples;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Answers GET and HEAD with files from a {@link ServedFolder}.
 *
 * <p>A file's body is written as a {@link DefaultFileRegion}: the transport is handed the open
 * file and a range, not bytes, so it can move them from the page cache to the socket without
 * copying them through Java (on NIO, {@code FileChannel.transferTo}, i.e. {@code sendfile}).
 * The region owns the open file and closes it when it has been written or dropped.
 *
 * <p>As in {@link HelloWorldHandler}, responses are written per request and flushed per read
 * batch.
 */
@ChannelHandler.Sharable
final class StaticFileHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final ServedFolder folder;

    StaticFileHandler(ServedFolder folder) {
        this.folder = folder;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (HttpErrors.rejectIfUndecodable(ctx, msg) || !(msg instanceof HttpRequest request)) {
            return; // request bodies are not used; the base class releases them
        }
        HttpMethod method = request.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            writeMethodNotAllowed(ctx, request);
            return;
        }
        ServedFolder.Lookup lookup = folder.lookup(request.uri());
        switch (lookup.outcome()) {
            case FOUND -> writeFile(ctx, request, lookup.file());
            case NOT_FOUND -> HttpErrors.write(ctx, request, HttpResponseStatus.NOT_FOUND);
            case FORBIDDEN -> HttpErrors.write(ctx, request, HttpResponseStatus.FORBIDDEN);
            case BAD_REQUEST -> HttpErrors.write(ctx, request, HttpResponseStatus.BAD_REQUEST);
        }
    }

    private static void writeFile(ChannelHandlerContext ctx, HttpRequest request, Path file) {
        FileChannel channel;
        long length;
        try {
            // The lookup resolved the path to its real path; refusing a link now narrows the
            // window in which the file could have been swapped for one pointing elsewhere.
            channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            try {
                length = channel.size();
            } catch (IOException e) {
                closeQuietly(channel);
                throw e;
            }
        } catch (NoSuchFileException e) {
            HttpErrors.write(ctx, request, HttpResponseStatus.NOT_FOUND);
            return;
        } catch (AccessDeniedException e) {
            HttpErrors.write(ctx, request, HttpResponseStatus.FORBIDDEN);
            return;
        } catch (IOException e) {
            HttpErrors.write(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR);
            return;
        }

        HttpResponse response = new DefaultHttpResponse(request.protocolVersion(), HttpResponseStatus.OK);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, ContentTypes.of(file));
        headers.set(HttpHeaderNames.CONTENT_LENGTH, length);
        if (HttpUtil.isKeepAlive(request)) {
            HttpUtil.setKeepAlive(response, true);
        }
        ctx.write(response);
        if (request.method().equals(HttpMethod.HEAD)) {
            closeQuietly(channel); // same headers as GET, no body
        } else {
            ctx.write(new DefaultFileRegion(channel, 0, length));
        }
        // Ends the response; the keep-alive handler closes the connection here if it must.
        ctx.write(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    private static void writeMethodNotAllowed(ChannelHandlerContext ctx, HttpRequest request) {
        FullHttpResponse response = HttpErrors.response(request, HttpResponseStatus.METHOD_NOT_ALLOWED);
        response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        ctx.write(response);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Opened read-only: closing cannot lose data.
        }
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
