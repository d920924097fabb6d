package dev.iocp.examples;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Connects to an echo server, sends one message of {@code --size} bytes, checks that exactly
 * those bytes come back, prints the outcome and exits (status 1 when the echo was wrong).
 *
 * <p>Usage: {@code EchoClient [--transport iocp|nio] [--host ADDRESS] [--port N] [--size BYTES]}
 */
public final class EchoClient {
    static final String SIZE = "--size";
    private static final int DEFAULT_SIZE = 256;
    private static final int MAX_SIZE = 256 * 1024 * 1024;
    private static final long TIMEOUT_SECONDS = 30;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final String USAGE = "EchoClient " + ServerSettings.USAGE + " [--size BYTES]";

    private EchoClient() {
    }

    /**
     * Sends {@code size} bytes to the echo server at {@code server} and waits for all of them
     * to come back.
     *
     * @return the number of bytes echoed intact (always {@code size})
     * @throws IOException when the echo differs, is cut short, or takes over 30 seconds
     */
    public static int run(Transport transport, InetSocketAddress server, int size)
            throws IOException, InterruptedException {
        byte[] message = message(size);
        CompletableFuture<Integer> result = new CompletableFuture<>();
        EchoClientHandler handler = new EchoClientHandler(message, result);
        EventLoopGroup group = transport.newGroup(1);
        try {
            ChannelFuture connected = new Bootstrap()
                    .group(group)
                    .channel(transport.channel())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                    .handler(handler)
                    .connect(server);
            // The connect timeout above fails the future; the extra second only guards
            // against a transport that never completes it at all.
            if (!connected.await(CONNECT_TIMEOUT_MILLIS + 1000, TimeUnit.MILLISECONDS)) {
                connected.channel().close();
                throw new IOException("connecting to " + server + " did not complete");
            }
            if (!connected.isSuccess()) {
                Throwable cause = connected.cause();
                throw cause instanceof IOException io ? io : new IOException("connecting to " + server + " failed", cause);
            }
            Channel channel = connected.channel();
            try {
                return result.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new IOException("no complete echo within " + TIMEOUT_SECONDS + " s: "
                        + handler.received() + " of " + size + " bytes came back");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof IOException io ? io : new IOException(cause);
            } finally {
                channel.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** The bytes sent: pseudo-random, so that a reordered or shifted echo cannot match. */
    static byte[] message(int size) {
        byte[] message = new byte[size];
        new SplittableRandom(size).nextBytes(message);
        return message;
    }

    private record Settings(ServerSettings server, int size) {
    }

    public static void main(String[] args) throws Exception {
        Settings settings = CommandLine.parseOrExit(USAGE, args,
                List.of(CommandLine.TRANSPORT, CommandLine.HOST, CommandLine.PORT, SIZE),
                commandLine -> new Settings(ServerSettings.from(commandLine, EchoServer.DEFAULT_PORT),
                        commandLine.intValue(SIZE, DEFAULT_SIZE, 0, MAX_SIZE)));
        Transport transport = settings.server().transport();
        InetSocketAddress address = settings.server().address();
        long start = System.nanoTime();
        try {
            int echoed = run(transport, address, settings.size());
            long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
            System.out.printf("%d bytes sent to %s and echoed back intact over %s in %.1f ms%n",
                    echoed, address, transport.description(), micros / 1000.0);
        } catch (IOException e) {
            System.err.println("echo from " + address + " failed: " + e.getMessage());
            System.exit(1);
        }
    }
}
