package dev.iocp.channel;

import dev.iocp.port.PortSocketOptions;
import dev.iocp.port.TcpInfo;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link IocpSocketChannel#tcpInfo()}: the kernel's TCP_INFO of a live connection on io_uring,
 * a clear {@link UnsupportedOperationException} on nio, a {@link ChannelException} once closed.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpTcpInfoTest {
    /** {@code TCP_ESTABLISHED} in include/net/tcp_states.h. */
    private static final int TCP_ESTABLISHED = 1;
    private static final int MESSAGE = 4096;

    private EventLoopGroup group;
    private Channel server;
    private Channel client;
    private final CompletableFuture<IocpSocketChannel> accepted = new CompletableFuture<>();
    private final CountDownLatch echoed = new CountDownLatch(MESSAGE);

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(Iocp.isAvailable(), () -> "Iocp unavailable: " + Iocp.unavailabilityCause());
        group = new IocpEventLoopGroup(1);
        server = new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                .childHandler(new Echo(accepted)).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync().channel();
        client = new Bootstrap().group(group).channel(IocpSocketChannel.class).handler(new CountReceived(echoed))
                .connect(server.localAddress()).sync().channel();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close().sync();
        }
        if (accepted.isDone()) {
            accepted.get().close().sync();
        }
        if (server != null) {
            server.close().sync();
        }
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(20, TimeUnit.SECONDS);
        }
    }

    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<IocpSocketChannel> accepted;

        Echo(CompletableFuture<IocpSocketChannel> accepted) {
            this.accepted = accepted;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            accepted.complete((IocpSocketChannel) ctx.channel());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    private static final class CountReceived extends ChannelInboundHandlerAdapter {
        private final CountDownLatch bytes;

        CountReceived(CountDownLatch bytes) {
            this.bytes = bytes;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            for (int i = buf.readableBytes(); i > 0; i--) {
                bytes.countDown();
            }
            buf.release();
        }
    }

    @Test
    void ioUringReportsAnEstablishedConnectionsRoundTripTimeAndCongestionWindow() throws Exception {
        Assumptions.assumeTrue(Iocp.backendName().equals("io_uring"), "TCP_INFO is read on io_uring");
        client.writeAndFlush(Unpooled.directBuffer(MESSAGE).writeZero(MESSAGE)).sync();
        assertTrue(echoed.await(10, TimeUnit.SECONDS), "the echo came back");

        for (IocpSocketChannel side : new IocpSocketChannel[] {(IocpSocketChannel) client, accepted.get(10, TimeUnit.SECONDS)}) {
            TcpInfo info = side.tcpInfo();
            assertEquals(TCP_ESTABLISHED, info.state(), info::toString);
            // Data went both ways and was acknowledged: the kernel has timed round trips.
            assertTrue(info.rtt() > 0, info::toString);
            assertTrue(info.sndCwnd() > 0, info::toString);
            assertTrue(info.sndMss() > 0 && info.rcvMss() > 0, info::toString);
            assertTrue(info.rto() >= info.rtt(), info::toString);
            assertEquals(0, info.unacked(), () -> "everything sent was acknowledged: " + info);
        }

        client.close().sync();
        ChannelException closed = assertThrows(ChannelException.class, ((IocpSocketChannel) client)::tcpInfo);
        assertInstanceOf(ClosedChannelException.class, closed.getCause());
    }

    @Test
    void tcpInfoIsAReadOnlySocketOption() throws Exception {
        Assumptions.assumeTrue(Iocp.backendName().equals("io_uring"), "TCP_INFO is read on io_uring");
        IocpSocketChannel channel = (IocpSocketChannel) client;
        TcpInfo info = channel.tcpInfo();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> channel.socket.setOption(PortSocketOptions.TCP_INFO, info));
        assertEquals("TCP_INFO is read-only", e.getMessage());
    }

    @Test
    void nioSaysTcpInfoIsNotSupportedAndWhy() {
        Assumptions.assumeTrue(Iocp.backendName().equals("nio"), "the nio backend's answer");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                ((IocpSocketChannel) client)::tcpInfo);
        assertEquals("tcpInfo() is not supported by the nio backend: java.nio has no way to read TCP_INFO", e.getMessage());
    }
}
