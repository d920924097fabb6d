package dev.iocp.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Channel behaviour Netty users rely on, beyond what Netty's own suite checks. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpChannelBehaviourTest {
    private static EventLoopGroup group;

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

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** A server whose children get the given handler (and options). */
    private static Channel server(ChannelHandler childHandler, boolean childAutoRead) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, childAutoRead)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(childHandler)
                .bind(LOOPBACK).sync().channel();
    }

    private static Channel client(Channel server, ChannelHandler handler) throws InterruptedException {
        return new Bootstrap().group(group).channel(IocpSocketChannel.class).handler(handler)
                .connect(server.localAddress()).sync().channel();
    }

    /** Counts bytes read and releases them. */
    private static final class Counting extends ChannelInboundHandlerAdapter {
        final AtomicInteger bytes = new AtomicInteger();
        final AtomicInteger reads = new AtomicInteger();
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        volatile Channel channel;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            events.add("active");
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            reads.incrementAndGet();
            bytes.addAndGet(buf.readableBytes());
            buf.release();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            events.add("inactive");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            events.add(cause);
        }
    }

    private static void awaitBytes(AtomicInteger counter, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (counter.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(expected, counter.get());
    }

    @Test
    void registeringOnAnotherKindOfLoopFailsClearly() throws Exception {
        EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            ChannelFuture iocpOnNio = nio.register(new IocpSocketChannel());
            assertFalse(iocpOnNio.await().isSuccess());
            assertTrue(iocpOnNio.cause().getMessage().contains("incompatible event loop"), iocpOnNio.cause().getMessage());
            ChannelFuture nioOnIocp = group.register(new NioSocketChannel());
            assertFalse(nioOnIocp.await().isSuccess());
            assertTrue(nioOnIocp.cause().getMessage().contains("incompatible event loop"), nioOnIocp.cause().getMessage());
        } finally {
            nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void heapAndCompositeBuffersAreSentWhole() throws Exception {
        Counting received = new Counting();
        Channel server = server(received, true);
        Channel client = client(server, new ChannelInboundHandlerAdapter());
        ByteBuf heap = Unpooled.wrappedBuffer(new byte[10_000]);
        CompositeByteBuf composite = Unpooled.compositeBuffer();
        composite.addComponent(true, Unpooled.wrappedBuffer(new byte[3_000]));
        composite.addComponent(true, Unpooled.directBuffer(5_000).writeZero(5_000));
        client.write(heap);
        client.writeAndFlush(composite).sync();
        awaitBytes(received.bytes, 18_000);
        client.close().sync();
        server.close().sync();
    }

    @Test
    void writabilityFollowsTheWaterMarksAndRecovers() throws Exception {
        Counting received = new Counting();
        Channel server = server(received, false); // the server does not read: the client's buffers fill up
        CountDownLatch unwritable = new CountDownLatch(1);
        CountDownLatch writableAgain = new CountDownLatch(1);
        Channel client = new Bootstrap().group(group).channel(IocpSocketChannel.class)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(8 * 1024, 32 * 1024))
                .option(ChannelOption.SO_SNDBUF, 16 * 1024)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                        (ctx.channel().isWritable() ? writableAgain : unwritable).countDown();
                    }
                }).connect(server.localAddress()).sync().channel();
        assertEquals("active", received.events.poll(10, TimeUnit.SECONDS));
        int total = 0;
        while (client.isWritable()) {
            client.writeAndFlush(Unpooled.directBuffer(16 * 1024).writeZero(16 * 1024));
            total += 16 * 1024;
        }
        assertTrue(unwritable.await(10, TimeUnit.SECONDS));
        assertNotNull(received.channel);
        received.channel.config().setAutoRead(true);
        assertTrue(writableAgain.await(30, TimeUnit.SECONDS));
        awaitBytes(received.bytes, total);
        client.close().sync();
        server.close().sync();
    }

    @Test
    void withAutoReadOffNothingIsReadUntilReadAsksAndDataThatComesLaterWaitsForTheNextRead() throws Exception {
        Counting received = new Counting();
        Channel server = server(received, false);
        Channel client = client(server, new ChannelInboundHandlerAdapter());
        assertEquals("active", received.events.poll(10, TimeUnit.SECONDS));
        IocpSocketChannel child = (IocpSocketChannel) received.channel;
        client.writeAndFlush(Unpooled.copiedBuffer(new byte[100])).sync();
        Thread.sleep(100);
        assertEquals(0, received.reads.get(), "nothing is read while auto-read is off");
        assertEquals(0L, child.eventLoop().submit(() -> child.readId).get(), "no receive in flight");
        child.read();
        awaitBytes(received.bytes, 100);
        assertEquals(1, received.reads.get());
        // The stream receive stays armed after the read; data that arrives before the next read()
        // stops it and waits for that read.
        client.writeAndFlush(Unpooled.copiedBuffer(new byte[50])).sync();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (child.eventLoop().submit(() -> child.readId).get() != 0L && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0L, child.eventLoop().submit(() -> child.readId).get(), "the stream was stopped");
        assertEquals(1, received.reads.get(), "nothing more was read without a read()");
        assertEquals(100, received.bytes.get());
        child.read();
        awaitBytes(received.bytes, 150);
        assertEquals(2, received.reads.get());
        client.close().sync();
        server.close().sync();
    }

    @Test
    void closingWithAReceiveAndASendInFlightReleasesEverything() throws Exception {
        Counting received = new Counting();
        Channel server = server(received, false);
        Counting clientSide = new Counting();
        Channel client = new Bootstrap().group(group).channel(IocpSocketChannel.class)
                .option(ChannelOption.SO_SNDBUF, 16 * 1024).handler(clientSide)
                .connect(server.localAddress()).sync().channel();
        for (int i = 0; i < 64; i++) {
            client.write(Unpooled.directBuffer(64 * 1024).writeZero(64 * 1024)); // far more than the buffers hold
        }
        client.flush();
        IocpSocketChannel c = (IocpSocketChannel) client;
        assertTrue(client.eventLoop().submit(() -> c.readId != 0).get(), "a receive is in flight");
        client.close().sync();
        assertFalse(client.isOpen());
        server.close().sync();
        // LeakDetection (after each test) fails the test if a buffer was not released.
    }

    @Test
    void halfClosureDeliversTheInputShutdownEventAndKeepsTheOutput() throws Exception {
        CompletableFuture<Object> event = new CompletableFuture<>();
        Channel server = server(new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt == ChannelInputShutdownEvent.INSTANCE) {
                    event.complete(evt);
                    ctx.writeAndFlush(Unpooled.copiedBuffer(new byte[42])).addListener(f -> ctx.close());
                }
            }
        }, true);
        Counting clientSide = new Counting();
        Channel client = client(server, clientSide);
        ((SocketChannel) client).shutdownOutput().sync();
        assertTrue(((SocketChannel) client).isOutputShutdown());
        assertEquals(ChannelInputShutdownEvent.INSTANCE, event.get(10, TimeUnit.SECONDS));
        awaitBytes(clientSide.bytes, 42);
        client.closeFuture().await(10, TimeUnit.SECONDS);
        server.close().sync();
    }

    @Test
    void anExceptionInAHandlerDoesNotStopTheLoop() throws Exception {
        Counting second = new Counting();
        AtomicReference<Throwable> caught = new AtomicReference<>();
        Channel server = server(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ((ByteBuf) msg).release();
                        throw new IllegalStateException("boom");
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        caught.set(cause);
                        ctx.close();
                    }
                });
            }
        }, true);
        Channel first = client(server, new ChannelInboundHandlerAdapter());
        first.writeAndFlush(Unpooled.copiedBuffer(new byte[1])).sync();
        first.closeFuture().await(10, TimeUnit.SECONDS);
        assertEquals("boom", caught.get().getMessage());
        Channel echoServer = server(second, true);
        Channel next = client(echoServer, new ChannelInboundHandlerAdapter());
        next.writeAndFlush(Unpooled.copiedBuffer(new byte[7])).sync();
        awaitBytes(second.bytes, 7);
        next.close().sync();
        server.close().sync();
        echoServer.close().sync();
    }

    @Test
    void gracefulShutdownFlushesWhatWasWrittenBeforeIt() throws Exception {
        Counting received = new Counting();
        Channel server = server(received, true);
        EventLoopGroup own = new IocpEventLoopGroup(1);
        Channel client = new Bootstrap().group(own).channel(IocpSocketChannel.class).handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).sync().channel();
        int total = 4 << 20;
        for (int i = 0; i < total / (64 * 1024); i++) {
            client.write(Unpooled.directBuffer(64 * 1024).writeZero(64 * 1024));
        }
        client.flush();
        // The writes are tasks on the loop; once they have run, the data is flushed (handed to the
        // channel) but mostly not yet sent: that is what the shutdown must still deliver.
        client.eventLoop().submit(() -> { }).sync();
        own.shutdownGracefully(100, 10_000, TimeUnit.MILLISECONDS).sync();
        awaitBytes(received.bytes, total);
        server.close().sync();
    }

    @Test
    void aRefusedConnectionIsAConnectExceptionNamingTheAddress() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ChannelFuture f = new Bootstrap().group(group).channel(IocpSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).await();
        assertInstanceOf(ConnectException.class, f.cause());
        assertEquals("connect(127.0.0.1:" + port + "): ECONNREFUSED (Connection refused)", f.cause().getMessage());
        // Bootstrap closes a channel whose connect failed (CLOSE_ON_FAILURE), on the loop.
        assertTrue(f.channel().closeFuture().await(10, TimeUnit.SECONDS));
    }

    @Test
    void optionsAreAppliedAndUnknownOnesReported() throws Exception {
        IocpSocketChannel channel = new IocpSocketChannel();
        try {
            IocpSocketChannelConfig config = channel.config();
            assertTrue(config.isTcpNoDelay(), "TCP_NODELAY is on by default, as with NIO");
            assertTrue(config.setOption(ChannelOption.SO_KEEPALIVE, true));
            assertTrue(config.getOption(ChannelOption.SO_KEEPALIVE));
            assertTrue(config.setOption(IocpChannelOption.TCP_KEEPIDLE, 42));
            assertEquals(42, config.getOption(IocpChannelOption.TCP_KEEPIDLE));
            boolean userTimeout = channel.socket.supportedOptions().contains(dev.iocp.port.PortSocketOptions.TCP_USER_TIMEOUT);
            assertEquals(userTimeout, config.setOption(IocpChannelOption.TCP_USER_TIMEOUT, 1234),
                    "set where the backend can, reported as unknown where it cannot");
            if (userTimeout) {
                assertEquals(1234, config.getOption(IocpChannelOption.TCP_USER_TIMEOUT));
            }
            assertTrue(config.setOption(ChannelOption.SO_LINGER, 0));
            assertEquals(0, config.getSoLinger());
            assertTrue(config.setOption(ChannelOption.ALLOW_HALF_CLOSURE, true));
            assertTrue(config.isAllowHalfClosure());
            assertFalse(config.setOption(ChannelOption.IP_MULTICAST_TTL, 3), "an unknown option is reported, not ignored");
            assertTrue(config.getOptions().containsKey(IocpChannelOption.TCP_QUICKACK));
        } finally {
            channel.unsafe().closeForcibly();
        }
        IocpServerSocketChannel server = new IocpServerSocketChannel();
        try {
            assertTrue(server.config().setOption(IocpChannelOption.SO_REUSEPORT, true));
            assertTrue(server.config().getOption(IocpChannelOption.SO_REUSEPORT));
            assertTrue(server.config().setOption(ChannelOption.SO_BACKLOG, 77));
            assertEquals(77, server.config().getBacklog());
            assertEquals(server.socket.supportedOptions().contains(dev.iocp.port.PortSocketOptions.TCP_FASTOPEN),
                    server.config().setOption(IocpChannelOption.TCP_FASTOPEN, 8));
        } finally {
            server.unsafe().closeForcibly();
        }
    }

    @Test
    void connectTimeoutFailsTheConnectAndClosesTheChannel() throws Exception {
        // A listener that never accepts, with its accept queue filled: further SYNs go unanswered.
        try (ServerSocket blackhole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            java.util.List<java.net.Socket> fillers = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    java.net.Socket s = new java.net.Socket();
                    try {
                        s.connect(blackhole.getLocalSocketAddress(), 200);
                        fillers.add(s);
                    } catch (IOException e) {
                        s.close();
                        break;
                    }
                }
                ChannelFuture f = new Bootstrap().group(group).channel(IocpSocketChannel.class)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 300)
                        .handler(new ChannelInboundHandlerAdapter())
                        .connect(blackhole.getLocalSocketAddress()).await();
                Assumptions.assumeFalse(f.isSuccess(), "the kernel completed the handshake despite the full queue");
                assertInstanceOf(io.netty.channel.ConnectTimeoutException.class, f.cause());
                assertTrue(f.channel().closeFuture().await(10, TimeUnit.SECONDS));
            } finally {
                for (java.net.Socket s : fillers) {
                    s.close();
                }
            }
        }
    }
}
