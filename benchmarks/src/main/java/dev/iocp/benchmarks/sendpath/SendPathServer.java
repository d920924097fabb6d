package dev.iocp.benchmarks.sendpath;

import dev.iocp.channel.Iocp;
import dev.iocp.channel.IocpChannelOption;
import dev.iocp.channel.IocpIoHandler;
import dev.iocp.channel.IocpServerSocketChannel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server side of the send-path measurements ({@code scripts/send-path.sh}): an echo server on
 * one event loop, and a control port that answers {@code stats} with this process's CPU time (from
 * {@code /proc/self/stat}, all threads) and the bytes the event-loop thread has allocated, so that a
 * {@link SendPathClient} can take the difference over its measurement window.
 *
 * <p>Usage: {@code SendPathServer TRANSPORT PORT CONTROL_PORT [ZEROCOPY_THRESHOLD]}, where
 * {@code TRANSPORT} is {@code iocp} (backend chosen by {@code -Ddev.iocp.backend}), {@code nio}
 * (Netty's NIO) or {@code epoll} (Netty's native epoll, loaded by name: put
 * {@code netty-transport-classes-epoll} and its native jar on the class path).
 */
public final class SendPathServer {
    /** {@code /proc} reports CPU time in clock ticks; USER_HZ is 100 on every Linux architecture. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private SendPathServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            throw new IllegalArgumentException("usage: SendPathServer iocp|nio|epoll PORT CONTROL_PORT [ZEROCOPY_THRESHOLD]");
        }
        String transport = args[0];
        int port = Integer.parseInt(args[1]);
        int controlPort = Integer.parseInt(args[2]);
        int zeroCopyThreshold = args.length > 3 ? Integer.parseInt(args[3]) : -1;

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, handlerFactory(transport));
        long loopThread = group.next().submit(() -> Thread.currentThread().threadId()).get();
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(serverChannel(transport))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Echo.INSTANCE);
                    }
                });
        if (zeroCopyThreshold >= 0) {
            bootstrap.childOption(IocpChannelOption.SEND_ZEROCOPY_THRESHOLD, zeroCopyThreshold);
        }
        Channel listener = bootstrap.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).sync().channel();
        String backend = transport.equals("iocp") ? "iocp/" + Iocp.backendName() : transport;
        System.out.println("send-path server " + backend + " on " + listener.localAddress() + ", control port " + controlPort);
        try (ServerSocket control = new ServerSocket(controlPort, 8, InetAddress.getLoopbackAddress())) {
            serveControl(control, loopThread);
        } finally {
            group.shutdownGracefully().sync();
        }
    }

    /** Answers {@code stats} until told {@code quit}. */
    private static void serveControl(ServerSocket control, long loopThread) throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        while (true) {
            try (Socket client = control.accept();
                 BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
                 PrintWriter out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.US_ASCII)) {
                String command = in.readLine();
                if ("quit".equals(command)) {
                    return;
                }
                out.println(cpuNanos() + " " + threads.getThreadAllocatedBytes(loopThread));
            }
        }
    }

    /** utime + stime of this process, all threads, from {@code /proc/self/stat}. */
    static long cpuNanos() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        // The command name (field 2) may hold spaces; the fields after its ')' are fixed.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK; // fields 14, 15
    }

    private static IoHandlerFactory handlerFactory(String transport) throws ReflectiveOperationException {
        return switch (transport) {
            case "iocp" -> IocpIoHandler.newFactory();
            case "nio" -> NioIoHandler.newFactory();
            case "epoll" -> (IoHandlerFactory) Class.forName("io.netty.channel.epoll.EpollIoHandler")
                    .getMethod("newFactory").invoke(null);
            default -> throw new IllegalArgumentException("transport must be iocp, nio or epoll, not " + transport);
        };
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends ServerChannel> serverChannel(String transport) throws ClassNotFoundException {
        return switch (transport) {
            case "iocp" -> IocpServerSocketChannel.class;
            case "nio" -> NioServerSocketChannel.class;
            default -> (Class<? extends ServerChannel>) Class.forName("io.netty.channel.epoll.EpollServerSocketChannel");
        };
    }

    /** Writes back what it reads, flushing once per read batch, and stops reading while the peer does not keep up. */
    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        static final Echo INSTANCE = new Echo();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (!ctx.channel().isWritable()) {
                ctx.flush();
            }
            // Asked after the flush: a transport that writes synchronously may be writable again,
            // and has then told this handler so from inside the flush.
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
