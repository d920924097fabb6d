package dev.iocp.examples;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A UDP echo server: every datagram received is sent back to its sender. One channel serves
 * every client; replies are flushed once per read batch, so a burst of datagrams goes back in
 * one flush.
 *
 * <p>Usage: {@code UdpEchoServer [--transport iocp|nio] [--host ADDRESS] [--port N]} (port 8007 by
 * default, as the TCP {@link EchoServer}: UDP and TCP ports are separate).
 */
public final class UdpEchoServer implements AutoCloseable {
    static final int DEFAULT_PORT = 8007;
    private static final String USAGE = "UdpEchoServer " + ServerSettings.USAGE;
    private static final long BIND_TIMEOUT_SECONDS = 10;

    private final Transport transport;
    private final EventLoopGroup group;
    private final Channel channel;
    private final AtomicBoolean closed = new AtomicBoolean();

    private UdpEchoServer(Transport transport, EventLoopGroup group, Channel channel) {
        this.transport = transport;
        this.group = group;
        this.channel = channel;
    }

    /** Binds an echo server to {@code address} (port 0: a free one); close it to stop it. */
    public static UdpEchoServer start(Transport transport, InetSocketAddress address) throws InterruptedException {
        EventLoopGroup group = transport.newGroup(1);
        try {
            ChannelFuture bound = new Bootstrap()
                    .group(group)
                    .channel(transport.datagramChannel())
                    .handler(new Echo())
                    .bind(address);
            if (!bound.await(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                bound.channel().close();
                throw new IllegalStateException("binding " + address + " with transport " + transport
                        + " did not complete within " + BIND_TIMEOUT_SECONDS + " s");
            }
            bound.sync(); // rethrows the failure, if it failed
            return new UdpEchoServer(transport, group, bound.channel());
        } catch (InterruptedException | RuntimeException | Error e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /** Sends each datagram's bytes back to where they came from. */
    @ChannelHandler.Sharable
    private static final class Echo extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ctx.write(new DatagramPacket(packet.content().retain(), packet.sender()));
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // One client's failure (an ICMP error, say) is no reason to stop serving the others.
            System.err.println("udp echo: " + cause);
        }
    }

    /** The address actually bound; its port is the kernel's pick when 0 was asked for. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    public Transport transport() {
        return transport;
    }

    /** Blocks until the server is closed, by {@link #close} or by the JVM shutting down (Ctrl-C). */
    public void awaitShutdown() throws InterruptedException {
        ServerShutdown.awaitClosed(channel, this::close, "udp-server-shutdown");
    }

    /** Closes the channel and waits for the event loop to end. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(50, 5_000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    public static void main(String[] args) throws Exception {
        ServerSettings settings = CommandLine.parseOrExit(USAGE, args, ServerSettings.OPTIONS,
                commandLine -> ServerSettings.from(commandLine, DEFAULT_PORT));
        try (UdpEchoServer server = start(settings.transport(), settings.address())) {
            System.out.println("udp echo server (" + server.transport().description() + ") on "
                    + server.localAddress() + "; Ctrl-C stops it");
            server.awaitShutdown();
        }
    }
}
