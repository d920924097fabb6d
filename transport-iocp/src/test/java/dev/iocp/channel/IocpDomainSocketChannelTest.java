package dev.iocp.channel;

import dev.iocp.port.PeerCredentials;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.util.CharsetUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link IocpDomainSocketChannel} and {@link IocpServerDomainSocketChannel} on the backend the
 * surefire execution selects: addresses of both types in, Netty's out; echo, half-closure, the
 * socket file's life, options, and what each backend cannot do.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpDomainSocketChannelTest {
    private static EventLoopGroup group;

    @TempDir
    Path directory;

    @BeforeAll
    static void setUp() {
        Assumptions.assumeTrue(Iocp.isAvailable(), () -> "Iocp unavailable: " + Iocp.unavailabilityCause());
        group = new IocpEventLoopGroup(2);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    private static boolean onIoUring() {
        return Iocp.backend().name().equals("io_uring");
    }

    /** Writes back what it reads. */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }

        @Override
        public boolean isSharable() {
            return true;
        }
    }

    /** Queues what it reads as text, and events it sees. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final BlockingQueue<Object> seen = new LinkedBlockingQueue<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            seen.add(buf.toString(CharsetUtil.UTF_8));
            buf.release();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            seen.add(evt);
        }

        String text(int length) throws InterruptedException {
            StringBuilder text = new StringBuilder();
            while (text.length() < length) {
                Object next = seen.poll(30, TimeUnit.SECONDS);
                assertTrue(next instanceof String, () -> "expected data, got " + next);
                text.append(next);
            }
            return text.toString();
        }
    }

    private static Channel server(Object address, ChannelHandler childHandler) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(IocpServerDomainSocketChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(childHandler)
                .bind((SocketAddress) address).sync().channel();
    }

    private static ChannelFuture connect(SocketAddress address, ChannelHandler handler) {
        return new Bootstrap().group(group).channel(IocpDomainSocketChannel.class).handler(handler).connect(address);
    }

    @Test
    void echoesOverAPathBoundWithNettysAddressAndReachedWithTheJdks() throws Exception {
        Path file = directory.resolve("echo.sock");
        Channel server = server(new DomainSocketAddress(file.toFile()), new Echo());
        assertEquals(new DomainSocketAddress(file.toString()), server.localAddress());
        assertTrue(Files.exists(file));

        Recorder recorder = new Recorder();
        Channel client = connect(UnixDomainSocketAddress.of(file), recorder).sync().channel();
        assertInstanceOf(IocpDomainSocketChannel.class, client);
        assertEquals(new DomainSocketAddress(file.toString()), client.remoteAddress());
        assertEquals(new DomainSocketAddress(""), client.localAddress(), "a client that never bound is unnamed");
        client.writeAndFlush(Unpooled.copiedBuffer("over a domain socket", CharsetUtil.UTF_8)).sync();
        assertEquals("over a domain socket", recorder.text(20));

        client.close().sync();
        server.close().sync();
        assertFalse(Files.exists(file), "the server channel removes the socket file it made");
    }

    @Test
    void anAcceptedChildReportsTheListenersPathAndHalfClosesWhenAllowed() throws Exception {
        Path file = directory.resolve("half.sock");
        BlockingQueue<Channel> children = new LinkedBlockingQueue<>();
        Recorder childRecorder = new Recorder();
        Channel server = server(new DomainSocketAddress(file.toString()), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                children.add(ctx.channel());
                ctx.pipeline().addLast(childRecorder);
                ctx.fireChannelActive();
            }

            @Override
            public boolean isSharable() {
                return true;
            }
        });
        Channel client = connect(new DomainSocketAddress(file.toString()), new ChannelInboundHandlerAdapter())
                .sync().channel();
        Channel child = children.poll(30, TimeUnit.SECONDS);
        IocpDomainSocketChannel domainChild = assertInstanceOf(IocpDomainSocketChannel.class, child);
        assertEquals(server, domainChild.parent());
        assertEquals(new DomainSocketAddress(file.toString()), child.localAddress());
        assertEquals(new DomainSocketAddress(""), child.remoteAddress());

        client.writeAndFlush(Unpooled.copiedBuffer("last words", CharsetUtil.UTF_8)).sync();
        ((IocpDomainSocketChannel) client).shutdownOutput().sync();
        assertEquals("last words", childRecorder.text(10));
        assertEquals(ChannelInputShutdownEvent.INSTANCE, childRecorder.seen.poll(30, TimeUnit.SECONDS));
        assertTrue(child.isOpen(), "half-closed, not closed");
        child.writeAndFlush(Unpooled.copiedBuffer("reply", CharsetUtil.UTF_8)).sync();
        child.close().sync();
        client.close().sync();
        server.close().sync();
    }

    @Test
    void aJdkClientIsServed() throws Exception {
        Path file = directory.resolve("jdk.sock");
        Channel server = server(UnixDomainSocketAddress.of(file), new Echo());
        try (SocketChannel jdk = SocketChannel.open(UnixDomainSocketAddress.of(file))) {
            jdk.write(ByteBuffer.wrap("ping".getBytes(CharsetUtil.UTF_8)));
            ByteBuffer back = ByteBuffer.allocate(4);
            while (back.hasRemaining()) {
                assertTrue(jdk.read(back) > 0);
            }
            assertEquals("ping", new String(back.array(), CharsetUtil.UTF_8));
        }
        server.close().sync();
    }

    @Test
    void connectingToAMissingPathFailsNamingIt() throws Exception {
        Path file = directory.resolve("nobody.sock");
        Throwable cause = connect(new DomainSocketAddress(file.toString()), new ChannelInboundHandlerAdapter())
                .await().cause();
        ConnectException failure = assertInstanceOf(ConnectException.class, cause);
        assertTrue(failure.getMessage().contains(file.toString()), failure.getMessage());
        assertTrue(failure.getMessage().contains("ENOENT"), failure.getMessage());
    }

    @Test
    void bindingAPathThatExistsFailsAndLeavesTheFile() throws Exception {
        Path file = directory.resolve("taken.sock");
        Channel first = server(new DomainSocketAddress(file.toString()), new Echo());
        ChannelFuture second = new ServerBootstrap().group(group).channel(IocpServerDomainSocketChannel.class)
                .childHandler(new Echo()).bind(new DomainSocketAddress(file.toString())).await();
        assertTrue(second.cause().getMessage().contains("EADDRINUSE"), second.cause().toString());
        assertTrue(Files.exists(file), "the failed bind does not remove the first server's file");
        first.close().sync();
        assertFalse(Files.exists(file));
    }

    @Test
    void inetAddressesAreRefused() throws Exception {
        Throwable cause = new ServerBootstrap().group(group).channel(IocpServerDomainSocketChannel.class)
                .childHandler(new Echo()).bind(new InetSocketAddress(0)).await().cause();
        assertInstanceOf(UnsupportedOperationException.class, cause);
        assertTrue(cause.getMessage().startsWith("unsupported address type: java.net.InetSocketAddress"),
                cause.getMessage());
    }

    @Test
    void offersDomainOptionsAndRefusesTcpOnesAndDescriptorPassingOnNio() throws Exception {
        IocpDomainSocketChannel channel = new IocpDomainSocketChannel();
        try {
            IocpDomainSocketChannelConfig config = channel.config();
            assertFalse(config.setOption(ChannelOption.TCP_NODELAY, true), "unknown to a domain socket, as on epoll");
            assertNull(config.getOption(ChannelOption.TCP_NODELAY));
            assertTrue(config.setOption(ChannelOption.SO_SNDBUF, 128 * 1024));
            assertTrue(config.getSendBufferSize() >= 128 * 1024);
            assertEquals(DomainSocketReadMode.BYTES, config.getOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE));
            if (onIoUring()) {
                assertTrue(config.setOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS));
                assertEquals(DomainSocketReadMode.FILE_DESCRIPTORS, config.getReadMode());
                assertEquals(DomainSocketReadMode.FILE_DESCRIPTORS, config.getOptions().get(UnixChannelOption.DOMAIN_SOCKET_READ_MODE));
            } else {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> config.setOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS));
                assertTrue(e.getMessage().startsWith("DomainSocketReadMode.FILE_DESCRIPTORS needs the io_uring backend"),
                        e.getMessage());
                assertEquals(DomainSocketReadMode.BYTES, config.getReadMode());
            }
            assertTrue(config.getOptions().containsKey(ChannelOption.ALLOW_HALF_CLOSURE));
        } finally {
            channel.unsafe().closeForcibly();
        }
    }

    @Test
    void peerCredentialsNameThisProcessOnIoUringAndAreUnsupportedOnNio() throws Exception {
        Path file = directory.resolve("creds.sock");
        Channel server = server(new DomainSocketAddress(file.toString()), new Echo());
        IocpDomainSocketChannel client = (IocpDomainSocketChannel) connect(
                new DomainSocketAddress(file.toString()), new ChannelInboundHandlerAdapter()).sync().channel();
        if (onIoUring()) {
            PeerCredentials credentials = client.peerCredentials();
            assertEquals(ProcessHandle.current().pid(), credentials.pid());
            assertEquals(new com.sun.security.auth.module.UnixSystem().getUid(), credentials.uid());
        } else {
            assertThrows(UnsupportedOperationException.class, client::peerCredentials);
        }
        client.close().sync();
        server.close().sync();
    }

    @Test
    void abstractNamesWorkOnIoUringAndAreRefusedOnNio() throws Exception {
        DomainSocketAddress name = new DomainSocketAddress("\0dev.iocp.test/" + ProcessHandle.current().pid() + "/" + System.nanoTime());
        if (!onIoUring()) {
            Throwable cause = new ServerBootstrap().group(group).channel(IocpServerDomainSocketChannel.class)
                    .childHandler(new Echo()).bind(name).await().cause();
            assertInstanceOf(UnsupportedOperationException.class, cause);
            return;
        }
        Channel server = server(name, new Echo());
        assertEquals(name, server.localAddress());
        Recorder recorder = new Recorder();
        Channel client = connect(name, recorder).sync().channel();
        assertEquals(name, client.remoteAddress());
        client.writeAndFlush(Unpooled.copiedBuffer("abstract", CharsetUtil.UTF_8)).sync();
        assertEquals("abstract", recorder.text(8));
        client.close().sync();
        server.close().sync();
    }
}
