package dev.iocp.examples;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
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
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Date;
import java.util.concurrent.TimeUnit;

/**
 * Answers GET and HEAD with files from a {@link ServedFolder}.
 *
 * <p>A file's body is written as a {@link DefaultFileRegion}: the transport is handed the open
 * file and a range, not bytes, so it can move them from the page cache to the socket without
 * copying them through Java (on NIO, {@code FileChannel.transferTo}, i.e. {@code sendfile}).
 * The region owns the open file and closes it when it has been written or dropped.
 *
 * <p>Beyond that, what clients and caches need to resume and revalidate: a single byte
 * {@code Range} is answered 206 with that part (a region of the file like any other), a range
 * past the end 416 (see {@link RangeSelection}); {@code Last-Modified} on every file response, and
 * {@code If-Modified-Since} answered 304 when the file has not changed since.
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
        long modifiedSecond;
        try {
            // The lookup resolved the path to its real path; refusing a link now narrows the
            // window in which the file could have been swapped for one pointing elsewhere.
            channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            try {
                length = channel.size();
                modifiedSecond = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).to(TimeUnit.SECONDS);
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

        String lastModified = DateFormatter.format(new Date(TimeUnit.SECONDS.toMillis(modifiedSecond)));
        if (notModifiedSince(request, modifiedSecond)) {
            closeQuietly(channel);
            writeNotModified(ctx, request, lastModified, length);
            return;
        }
        switch (rangeOf(request, length)) {
            case RangeSelection.Whole _ -> writeRegion(ctx, request, channel,
                    fileResponse(request, file, HttpResponseStatus.OK, length, lastModified), 0, length);
            case RangeSelection.Part part -> {
                HttpResponse response = fileResponse(request, file, HttpResponseStatus.PARTIAL_CONTENT,
                        part.length(), lastModified);
                response.headers().set(HttpHeaderNames.CONTENT_RANGE, part.contentRange());
                writeRegion(ctx, request, channel, response, part.first(), part.length());
            }
            case RangeSelection.Unsatisfiable unsatisfiable -> {
                closeQuietly(channel);
                FullHttpResponse response = HttpErrors.response(request, HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
                response.headers().set(HttpHeaderNames.CONTENT_RANGE, unsatisfiable.contentRange());
                ctx.write(response);
            }
        }
    }

    /**
     * Whether a GET or HEAD's {@code If-Modified-Since} says the client's copy is current: the
     * file was last modified in or before the second it names. HTTP dates have whole seconds, so
     * the file's time is compared truncated to its second (as {@code Last-Modified} sends it).
     * An unparseable date is ignored, and so is the header when {@code If-None-Match} is present,
     * as RFC 9110 (13.1.3) requires; this server has no entity tags for that one to match.
     */
    private static boolean notModifiedSince(HttpRequest request, long modifiedSecond) {
        HttpHeaders headers = request.headers();
        String since = headers.get(HttpHeaderNames.IF_MODIFIED_SINCE);
        if (since == null || headers.contains(HttpHeaderNames.IF_NONE_MATCH)) {
            return false;
        }
        Date date = DateFormatter.parseHttpDate(since);
        return date != null && modifiedSecond <= TimeUnit.MILLISECONDS.toSeconds(date.getTime());
    }

    /**
     * The part of the file a request's {@code Range} asks for. With {@code If-Range} the range is
     * to be served only if the client's copy is still current, which would need a strong
     * validator this server does not have; sending the whole file is the answer RFC 9110 (13.1.5)
     * allows for a condition it cannot confirm.
     */
    private static RangeSelection rangeOf(HttpRequest request, long length) {
        if (request.headers().contains(HttpHeaderNames.IF_RANGE)) {
            return RangeSelection.WHOLE;
        }
        return RangeSelection.of(request.headers().get(HttpHeaderNames.RANGE), length);
    }

    /** The headers of a 200 or 206 carrying {@code count} bytes of {@code file}. */
    private static HttpResponse fileResponse(HttpRequest request, Path file, HttpResponseStatus status, long count,
                                             String lastModified) {
        HttpResponse response = new DefaultHttpResponse(request.protocolVersion(), status);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, ContentTypes.of(file));
        headers.set(HttpHeaderNames.CONTENT_LENGTH, count);
        headers.set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
        headers.set(HttpHeaderNames.LAST_MODIFIED, lastModified);
        if (HttpUtil.isKeepAlive(request)) {
            HttpUtil.setKeepAlive(response, true);
        }
        return response;
    }

    /**
     * Queues {@code response} and, for a GET, bytes {@code first} to {@code first + count - 1} of
     * the file as a {@link DefaultFileRegion}: the whole file or one range of it, either way the
     * transport is handed the file, not its bytes. A HEAD gets the same headers and no body.
     */
    private static void writeRegion(ChannelHandlerContext ctx, HttpRequest request, FileChannel channel,
                                    HttpResponse response, long first, long count) {
        ctx.write(response);
        if (request.method().equals(HttpMethod.HEAD)) {
            closeQuietly(channel);
        } else {
            ctx.write(new DefaultFileRegion(channel, first, count));
        }
        // Ends the response; the keep-alive handler closes the connection here if it must.
        ctx.write(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    /**
     * A 304: no body. Its {@code Content-Length} is the file's, the length a 200 would have had,
     * as RFC 9110 (8.6) allows; Netty's keep-alive handler keeps a connection open only after a
     * response whose length it can tell, and the encoder sends no body with a 304 whatever the
     * header says.
     */
    private static void writeNotModified(ChannelHandlerContext ctx, HttpRequest request, String lastModified,
                                         long length) {
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.NOT_MODIFIED);
        response.headers()
                .set(HttpHeaderNames.LAST_MODIFIED, lastModified)
                .set(HttpHeaderNames.CONTENT_LENGTH, length);
        if (HttpUtil.isKeepAlive(request)) {
            HttpUtil.setKeepAlive(response, true);
        }
        ctx.write(response);
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
