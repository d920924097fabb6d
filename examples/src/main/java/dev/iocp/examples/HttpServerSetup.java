package dev.iocp.examples;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

/**
 * The HTTP/1.1 front of both HTTP example servers: the codec, with limits, and keep-alive.
 */
final class HttpServerSetup {
    /** Longest request line accepted; longer ones are answered 414. */
    static final int MAX_INITIAL_LINE_LENGTH = 4096;
    /** Largest header block accepted; larger ones are answered 431. */
    static final int MAX_HEADER_SIZE = 8192;
    /** Request bodies are delivered in pieces of at most this size (the examples ignore them). */
    static final int MAX_CHUNK_SIZE = 8192;

    private HttpServerSetup() {
    }

    /**
     * Adds the codec and keep-alive handling to {@code pipeline}; the application handler goes
     * after them.
     *
     * <p>The codec does not throw on bad input: it hands on a request whose
     * {@code decoderResult()} is a failure, stops decoding that connection, and leaves the answer
     * to the application ({@link HttpErrors#rejectIfUndecodable}). The keep-alive handler closes the
     * connection after a response when the request or response asked for that
     * ({@code Connection: close}, HTTP/1.0 without keep-alive), and sets the response header to
     * match, so the handlers only decide the status and body.
     */
    static void addHttpHandlers(ChannelPipeline pipeline) {
        HttpDecoderConfig limits = new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE_LENGTH)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setMaxChunkSize(MAX_CHUNK_SIZE);
        pipeline.addLast("http-codec", new HttpServerCodec(limits));
        pipeline.addLast("http-keep-alive", new HttpServerKeepAliveHandler());
    }
}
