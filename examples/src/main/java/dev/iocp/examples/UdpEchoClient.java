package dev.iocp.examples;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Sends {@code --count} numbered datagrams to a UDP echo server, one at a time, each after the
 * echo of the one before came back: UDP may drop a datagram, and a client that waits for each
 * reply can tell which one (it reports the first that did not come back within a second). Prints
 * the outcome and exits (status 1 when an echo was missing or wrong).
 *
 * <p>Usage: {@code UdpEchoClient [--transport iocp|nio] [--host ADDRESS] [--port N] [--count N]}
 */
public final class UdpEchoClient {
    static final String COUNT = "--count";
    private static final int DEFAULT_COUNT = 10;
    private static final int MAX_COUNT = 1_000_000;
    private static final long REPLY_TIMEOUT_MILLIS = 1_000;
    private static final String USAGE = "UdpEchoClient " + ServerSettings.USAGE + " [--count N]";

    private UdpEchoClient() {
    }

    /**
     * Sends {@code count} datagrams to the echo server at {@code server}, each once the previous
     * one's echo is back.
     *
     * @return the number of datagrams echoed intact (always {@code count})
     * @throws IOException when an echo does not come back within a second, or differs
     */
    public static int run(Transport transport, InetSocketAddress server, int count)
            throws IOException, InterruptedException {
        BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        EventLoopGroup group = transport.newGroup(1);
        try {
            Channel channel = new Bootstrap()
                    .group(group)
                    .channel(transport.datagramChannel())
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                            replies.add(packet.content().toString(StandardCharsets.UTF_8));
                        }
                    })
                    .bind(new InetSocketAddress(0)).sync().channel(); // a free port on every address
            try {
                for (int i = 0; i < count; i++) {
                    String message = "datagram " + i;
                    ByteBuf bytes = Unpooled.copiedBuffer(message, StandardCharsets.UTF_8);
                    channel.writeAndFlush(new DatagramPacket(bytes, server)).sync();
                    String reply = replies.poll(REPLY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                    if (reply == null) {
                        throw new IOException("no echo of \"" + message + "\" from " + server + " within "
                                + REPLY_TIMEOUT_MILLIS + " ms (" + i + " of " + count + " came back)");
                    }
                    if (!reply.equals(message)) {
                        throw new IOException("sent \"" + message + "\", got \"" + reply + "\" back");
                    }
                }
                return count;
            } finally {
                channel.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private record Settings(ServerSettings server, int count) {
    }

    public static void main(String[] args) throws Exception {
        Settings settings = CommandLine.parseOrExit(USAGE, args,
                List.of(CommandLine.TRANSPORT, CommandLine.HOST, CommandLine.PORT, COUNT),
                commandLine -> new Settings(ServerSettings.from(commandLine, UdpEchoServer.DEFAULT_PORT),
                        commandLine.intValue(COUNT, DEFAULT_COUNT, 1, MAX_COUNT)));
        Transport transport = settings.server().transport();
        InetSocketAddress address = settings.server().address();
        long start = System.nanoTime();
        try {
            int echoed = run(transport, address, settings.count());
            long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
            System.out.printf("%d datagrams sent to %s and echoed back intact over %s in %.1f ms%n",
                    echoed, address, transport.description(), micros / 1000.0);
        } catch (IOException e) {
            System.err.println("udp echo from " + address + " failed: " + e.getMessage());
            System.exit(1);
        }
    }
}
