package dev.iocp.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The order and completion of a channel's lifecycle events and promises when it is closed,
 * deregistered or its loop shut down while it reads or writes.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpChannelLifecycleTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
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

    /** Records the pipeline events of one accepted channel, by name. */
    private static class EventLog extends ChannelInboundHandlerAdapter {
        final List<String> events = new CopyOnWriteArrayList<>();
        final CountDownLatch unregistered = new CountDownLatch(1);
        private final String actionOnRead;

        EventLog(String actionOnRead) {
            this.actionOnRead = actionOnRead;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            events.add("read");
            switch (actionOnRead) {
                case "close" -> ctx.close();
                case "deregister" -> ctx.deregister();
                default -> { }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            events.add("readComplete");
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            events.add("inactive");
        }

        @Override
        public void channelUnregistered(ChannelHandlerContext ctx) {
            events.add("unregistered");
            unregistered.countDown();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            events.add("exception " + cause);
        }
    }

    private static Channel server(ChannelInboundHandlerAdapter child) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                .childHandler(child).bind(LOOPBACK).sync().channel();
    }

    /** A peer that sends enough that the server's read batch goes on past the first receive. */
    private static void sendFrom(Channel server, int bytes) throws Exception {
        try (Socket peer = new Socket()) {
            peer.connect(server.localAddress());
            OutputStream out = peer.getOutputStream();
            out.write(new byte[bytes]);
            out.flush();
            peer.setSoTimeout(10_000);
            InputStream in = peer.getInputStream();
            // Wait until the server has reacted (closed, or deregistered and then been closed).
            while (in.read() >= 0) {
                // the server sends nothing; a reset or EOF ends the loop
            }
        } catch (java.net.SocketException reset) {
            // the server closed while data was unread: a reset is fine here
        }
    }

    private static void assertReadCompleteAfterEachReadAndBefore(List<String> events, String last) {
        int read = events.indexOf("read");
        assertTrue(read >= 0, "no channelRead: " + events);
        assertEquals("readComplete", events.get(read + 1), "channelReadComplete follows the channelRead: " + events);
        assertEquals(1, events.stream().filter("readComplete"::equals).count(), "once: " + events);
        assertTrue(events.indexOf("readComplete") < events.indexOf(last), "before " + last + ": " + events);
        assertTrue(events.stream().noneMatch(e -> e.startsWith("exception")), "no exception: " + events);
    }

    /**
     * As NIO, where a deregister() is carried out later (Netty's invokeLater) and reading goes on
     * until then: every read batch ends with channelReadComplete before {@code last}.
     */
    private static void assertEveryBatchEndsBefore(List<String> events, String last) {
        int end = events.indexOf(last);
        assertTrue(events.indexOf("read") >= 0, "no channelRead: " + events);
        assertTrue(end > 0, "no " + last + ": " + events);
        assertEquals("readComplete", events.get(end - 1), "the last batch ended before " + last + ": " + events);
        assertTrue(events.subList(end, events.size()).stream().noneMatch(e -> e.startsWith("read")),
                "nothing read after " + last + ": " + events);
        assertTrue(events.stream().noneMatch(e -> e.startsWith("exception")), "no exception: " + events);
    }

    @Test
    void closingInChannelReadStillEndsTheBatchBeforeInactive() throws Exception {
        EventLog log = new EventLog("close");
        Channel server = server(log);
        try {
            sendFrom(server, 256 * 1024);
            assertTrue(log.unregistered.await(10, TimeUnit.SECONDS));
            assertReadCompleteAfterEachReadAndBefore(log.events, "inactive");
        } finally {
            server.close().sync();
        }
    }

    @Test
    void deregisteringInChannelReadEndsTheBatchBeforeUnregisteredAndLaterCloseSucceeds() throws Exception {
        CountDownLatch deregistered = new CountDownLatch(1);
        Channel[] child = new Channel[1];
        EventLog log = new EventLog("deregister") {
            @Override
            public void channelUnregistered(ChannelHandlerContext ctx) {
                child[0] = ctx.channel();
                super.channelUnregistered(ctx);
                deregistered.countDown();
            }
        };
        Channel server = server(log);
        Socket peer = new Socket();
        try {
            peer.connect(server.localAddress());
            peer.getOutputStream().write(new byte[256 * 1024]);
            assertTrue(deregistered.await(10, TimeUnit.SECONDS));
            assertEveryBatchEndsBefore(log.events, "unregistered");
            // Nothing of the deregistered channel's cancelled receive reaches the pipeline later.
            int seen = log.events.size();
            // close() of a deregistered channel: runs without its loop's I/O and succeeds.
            ChannelFuture closed = child[0].close();
            assertTrue(closed.await(10, TimeUnit.SECONDS), "close completes");
            assertNull(closed.cause(), () -> "close succeeds: " + closed.cause());
            assertTrue(!child[0].isOpen());
            assertEquals(seen, log.events.size(), "no event after channelUnregistered: " + log.events);
        } finally {
            peer.close();
            server.close().sync();
        }
    }

    @Test
    void nettysOwnFastOpenOptionsAreTheTransportsOptions() throws Exception {
        assertSame(ChannelOption.TCP_FASTOPEN, IocpChannelOption.TCP_FASTOPEN);
        assertSame(ChannelOption.TCP_FASTOPEN_CONNECT, IocpChannelOption.TCP_FASTOPEN_CONNECT);
        IocpServerSocketChannel server = new IocpServerSocketChannel();
        IocpSocketChannel client = new IocpSocketChannel();
        try {
            boolean serverSide = server.socket.supportedOptions().contains(dev.iocp.port.PortSocketOptions.TCP_FASTOPEN);
            assertEquals(serverSide, server.config().setOption(ChannelOption.TCP_FASTOPEN, 16),
                    "set where the backend can, reported as unknown where it cannot");
            if (serverSide) {
                assertEquals(16, server.config().getOption(ChannelOption.TCP_FASTOPEN));
            }
            boolean clientSide = client.socket.supportedOptions().contains(dev.iocp.port.PortSocketOptions.TCP_FASTOPEN_CONNECT);
            assertEquals(clientSide, client.config().setOption(ChannelOption.TCP_FASTOPEN_CONNECT, true));
            if (clientSide) {
                assertTrue(client.config().getOption(ChannelOption.TCP_FASTOPEN_CONNECT));
            }
        } finally {
            server.unsafe().closeForcibly();
            client.unsafe().closeForcibly();
        }
    }

    @Test
    void loopShutdownKeepsToTheCallersTimeoutWhenDataCannotBeSent() throws Exception {
        // A peer that never reads: what the client flushed can never all be sent, so a graceful
        // close would wait for ever; the loop must end when the caller's timeout says so.
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            EventLoopGroup own = new IocpEventLoopGroup(1);
            Channel client = new Bootstrap().group(own).channel(IocpSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(listener.getLocalSocketAddress()).sync().channel();
            try (Socket accepted = listener.accept()) {
                ChannelFuture write = client.writeAndFlush(Unpooled.directBuffer(32 << 20).writeZero(32 << 20));
                client.eventLoop().submit(() -> { }).sync();
                own.shutdownGracefully(0, 300, TimeUnit.MILLISECONDS);
                // Before, shutting down waited 5 s for the send, whatever the caller asked.
                assertTrue(own.terminationFuture().await(4, TimeUnit.SECONDS), "the loop ended");
                assertTrue(write.await(1, TimeUnit.SECONDS), "the write's promise is completed");
                assertTrue(!write.isSuccess(), "the unsent write failed");
                assertTrue(!client.isOpen());
            }
        }
    }

    /**
     * A loop shut down with no quiet period, while an accepted connection is open and idle: its
     * close waits for the cancellation of its receive, and the channel still goes inactive and
     * unregistered, as it does on NIO, before the loop ends (a close completed after the loop
     * has stopped taking tasks could not fire them).
     */
    @Test
    void aLoopShutDownWithAnIdleConnectionStillFiresInactiveAndUnregistered() throws Exception {
        EventLoopGroup own = new IocpEventLoopGroup(1);
        EventLog log = new EventLog("none");
        CountDownLatch active = new CountDownLatch(1);
        Channel server = new ServerBootstrap().group(own).channel(IocpServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void handlerAdded(ChannelHandlerContext ctx) {
                        ctx.pipeline().addLast(log);
                    }

                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        active.countDown();
                        ctx.fireChannelActive();
                    }
                }).bind(LOOPBACK).sync().channel();
        try (Socket peer = new Socket()) {
            peer.connect(server.localAddress());
            assertTrue(active.await(10, TimeUnit.SECONDS), "accepted");
            own.shutdownGracefully(0, 5, TimeUnit.SECONDS);
            assertTrue(own.terminationFuture().await(10, TimeUnit.SECONDS), "the loop ended");
            assertEquals(List.of("inactive", "unregistered"), log.events, "the accepted channel's events");
        }
    }
}
