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
    /** Event loops for the connections; benchmarks pin the server to a core and ask for one. */
    static final String THREADS = "--threads";
    private static final String USAGE = "HttpHelloWorldServer " + ServerSettings.USAGE + " [--threads N]";
    private static final java.util.List<String> OPTIONS = java.util.stream.Stream.concat(
            ServerSettings.OPTIONS.stream(), java.util.stream.Stream.of(THREADS)).toList();

    private HttpHelloWorldServer() {
    }

    /** Starts the server on {@code address} (port 0: a free one); close it to stop it. */
    public static RunningServer start(Transport transport, InetSocketAddress address) throws InterruptedException {
        return start(transport, address, 0);
    }

    /** As {@link #start(Transport, InetSocketAddress)}, with {@code threads} event loops (0: Netty's default). */
    public static RunningServer start(Transport transport, InetSocketAddress address, int threads)
            throws InterruptedException {
        return RunningServer.start(transport, address, threads, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                HttpServerSetup.addHttpHandlers(ch.pipeline());
                ch.pipeline().addLast("hello-world", HelloWorldHandler.INSTANCE);
            }
        });
    }

    public static void main(String[] args) throws Exception {
        int[] threads = new int[1];
        ServerSettings settings = CommandLine.parseOrExit(USAGE, args, OPTIONS, commandLine -> {
            threads[0] = commandLine.intValue(THREADS, 0, 0, 1024);
            return ServerSettings.from(commandLine, DEFAULT_PORT);
        });
        try (RunningServer server = start(settings.transport(), settings.address(), threads[0])) {
            System.out.println("HTTP hello-world server (" + server.transport().description() + ") at http://"
                    + server.localAddress().getHostString() + ":" + server.port() + "/ ; Ctrl-C stops it");
            server.awaitShutdown();
        }
    }
}
