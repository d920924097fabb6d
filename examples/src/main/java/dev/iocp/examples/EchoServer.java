package dev.iocp.examples;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

import java.net.InetSocketAddress;

/**
 * A TCP echo server: every byte received on a connection is sent back on it.
 *
 * <p>Usage: {@code EchoServer [--transport iocp|nio] [--host ADDRESS] [--port N]} (port 8007
 * by default, the traditional echo port plus 8000).
 */
public final class EchoServer {
    static final int DEFAULT_PORT = 8007;
    private static final String USAGE = "EchoServer " + ServerSettings.USAGE;

    private EchoServer() {
    }

    /** Starts an echo server on {@code address} (port 0: a free one); close it to stop it. */
    public static RunningServer start(Transport transport, InetSocketAddress address) throws InterruptedException {
        return RunningServer.start(transport, address, 0, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(EchoServerHandler.INSTANCE);
            }
        });
    }

    public static void main(String[] args) throws Exception {
        ServerSettings settings = CommandLine.parseOrExit(USAGE, args, ServerSettings.OPTIONS,
                commandLine -> ServerSettings.from(commandLine, DEFAULT_PORT));
        try (RunningServer server = start(settings.transport(), settings.address())) {
            System.out.println("echo server (" + server.transport().description() + ") listening on "
                    + server.localAddress() + "; Ctrl-C stops it");
            server.awaitShutdown();
        }
    }
}
