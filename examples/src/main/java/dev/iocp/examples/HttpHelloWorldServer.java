package dev.iocp.examples;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

import java.net.InetSocketAddress;

/**
 * An HTTP/1.1 server answering every request with a plain-text {@code Hello, World!}; the
 * classic benchmark target. Keeps connections alive, honours {@code Connection: close}, answers
 * pipelined requests in order, and refuses malformed input (400, or 431 for headers over
 * 8 KiB) by closing that connection only.
 *
 * <p>Usage: {@code HttpHelloWorldServer [--transport iocp|nio] [--host ADDRESS] [--port N]}
 * (port 8080 by default), then {@code curl http://127.0.0.1:8080/}.
 */
public final class HttpHelloWorldServer {
    static final int DEFAULT_PORT = 8080;
    private static final String USAGE = "HttpHelloWorldServer " + ServerSettings.USAGE;

    private HttpHelloWorldServer() {
    }

    /** Starts the server on {@code address} (port 0: a free one); close it to stop it. */
    public static RunningServer start(Transport transport, InetSocketAddress address) throws InterruptedException {
        return RunningServer.start(transport, address, 0, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                HttpServerSetup.addHttpHandlers(ch.pipeline());
                ch.pipeline().addLast("hello-world", HelloWorldHandler.INSTANCE);
            }
        });
    }

    public static void main(String[] args) throws Exception {
        ServerSettings settings = CommandLine.parseOrExit(USAGE, args, ServerSettings.OPTIONS,
                commandLine -> ServerSettings.from(commandLine, DEFAULT_PORT));
        try (RunningServer server = start(settings.transport(), settings.address())) {
            System.out.println("HTTP hello-world server (" + server.transport().description() + ") at http://"
                    + server.localAddress().getHostString() + ":" + server.port() + "/ ; Ctrl-C stops it");
            server.awaitShutdown();
        }
    }
}
