package dev.iocp.channel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A small Iocp echo server for {@link IocpEmfileTest}, run in a child JVM under a low descriptor
 * limit. It prints {@code PORT <port>} and {@code FDS <open descriptors>} once it listens,
 * {@code ACCEPT_ERRORS <n>} for each line read from its standard input, and exits when its
 * standard input closes. Errors of the server channel (EMFILE) go past
 * {@code ServerBootstrap}'s acceptor, which pauses accepting for a second, and are counted, not
 * logged.
 */
public final class EmfileEchoServer {
    private EmfileEchoServer() {
    }

    /**
     * Loads every class of the transport (and this server) from the class path's directories
     * now: loading a class from a directory opens its file, which fails once the process is out
     * of descriptors (NoClassDefFoundError on the first accept error: Errno, PortException,
     * NioErrors...). Classes in jars need no new descriptor.
     */
    private static void preloadTransportClasses() throws java.io.IOException {
        ClassLoader loader = EmfileEchoServer.class.getClassLoader();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path root = Path.of(entry);
            if (!Files.isDirectory(root)) {
                continue;
            }
            boolean testClasses = root.toString().contains("test-classes");
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String name = root.relativize(file).toString().replace(java.io.File.separatorChar, '.');
                    if (!name.endsWith(".class") || !name.startsWith("dev.iocp.")
                            || (testClasses && !name.startsWith(EmfileEchoServer.class.getName()))) {
                        continue;
                    }
                    try {
                        Class.forName(name.substring(0, name.length() - 6), false, loader);
                    } catch (Throwable ignored) {
                        // not loadable on its own: the server does not need it
                    }
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        preloadTransportClasses();
        EventLoopGroup group = new IocpEventLoopGroup(1);
        AtomicLong acceptErrors = new AtomicLong();
        try {
            Channel server = new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ctx.writeAndFlush(msg);
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    ctx.close();
                                }
                            });
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            // After the acceptor, which ServerBootstrap adds when the channel registers.
            server.eventLoop().submit(() -> server.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    acceptErrors.incrementAndGet();
                }
            })).sync();
            long fds;
            try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
                fds = entries.count();
            }
            System.out.println("PORT " + ((InetSocketAddress) server.localAddress()).getPort());
            System.out.println("FDS " + fds);
            System.out.flush();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
            while (in.readLine() != null) {
                System.out.println("ACCEPT_ERRORS " + acceptErrors.get());
                System.out.flush();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }
}
