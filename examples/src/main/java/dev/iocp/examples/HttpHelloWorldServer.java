package dev.iocp.examples;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * An HTTP/1.1 server answering every request with a plain-text {@code Hello, World!}; the
 * classic benchmark target. Keeps connections alive, honours {@code Connection: close}, answers
 * pipelined requests in order, and refuses malformed input (400, or 431 for headers over
 * 8 KiB) by closing that connection only.
 *
 * <p>Usage: {@code HttpHelloWorldServer [--transport iocp|nio] [--host ADDRESS] [--port N]}
 * (port 8080 by default), then {@code curl http://127.0.0.1:8080/}; or
 * {@code HttpHelloWorldServer [--transport iocp|nio] --unix PATH} to listen on a Unix-domain
 * socket at {@code PATH} instead, then {@code curl --unix-socket PATH http://localhost/}. The
 * socket file is removed when the server stops; one left behind by a server that was killed
 * makes the bind fail (EADDRINUSE) until it is removed.
 */
public final class HttpHelloWorldServer {
    static final int DEFAULT_PORT = 8080;
    /** Event loops for the connections; benchmarks pin the server to a core and ask for one. */
    static final String THREADS = "--threads";
    private static final String USAGE = "HttpHelloWorldServer " + ServerSettings.USAGE + " [--threads N]"
            + "\n       HttpHelloWorldServer [--transport " + Transport.allowedNames().replace(", ", "|")
            + "] --unix PATH [--threads N]";
    private static final java.util.List<String> OPTIONS = java.util.stream.Stream.concat(
            ServerSettings.OPTIONS.stream(), java.util.stream.Stream.of(THREADS, CommandLine.UNIX)).toList();

    private HttpHelloWorldServer() {
    }

    /**
     * Starts the server on {@code address}: a TCP {@link InetSocketAddress} (port 0: a free one)
     * or a Unix-domain {@link UnixDomainSocketAddress}; close it to stop it.
     */
    public static RunningServer start(Transport transport, SocketAddress address) throws InterruptedException {
        return start(transport, address, 0);
    }

    /** As {@link #start(Transport, SocketAddress)}, with {@code threads} event loops (0: Netty's default). */
    public static RunningServer start(Transport transport, SocketAddress address, int threads)
            throws InterruptedException {
        // Channel, not SocketChannel: a Unix-domain connection is no TCP SocketChannel.
        return RunningServer.start(transport, address, threads, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                HttpServerSetup.addHttpHandlers(ch.pipeline());
                ch.pipeline().addLast("hello-world", HelloWorldHandler.INSTANCE);
            }
        });
    }

    public static void main(String[] args) throws Exception {
        int[] threads = new int[1];
        Path[] unixSocket = new Path[1];
        ServerSettings settings = CommandLine.parseOrExit(USAGE, args, OPTIONS, commandLine -> {
            threads[0] = commandLine.intValue(THREADS, 0, 0, 1024);
            unixSocket[0] = commandLine.unixSocketPath();
            return ServerSettings.from(commandLine, DEFAULT_PORT);
        });
        SocketAddress address = unixSocket[0] != null ? UnixDomainSocketAddress.of(unixSocket[0]) : settings.address();
        try (RunningServer server = start(settings.transport(), address, threads[0])) {
            String where = unixSocket[0] != null
                    ? "the Unix-domain socket " + unixSocket[0] + " (curl --unix-socket " + unixSocket[0] + " http://localhost/)"
                    : "http://" + server.localAddress().getHostString() + ":" + server.port() + "/";
            System.out.println("HTTP hello-world server (" + server.transport().description() + ") at " + where
                    + " ; Ctrl-C stops it");
            server.awaitShutdown();
        }
    }
}
