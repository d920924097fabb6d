package dev.iocp.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

/**
 * Once a channel's close future has completed, its address is free to bind again, as with epoll
 * (whose close is close(2) on the loop): a server restarted on the same port, right after
 * {@code close().sync()}, binds. On the io_uring backend the CLOSE goes to the kernel as it is
 * submitted; the JDK's channels, under the nio backend as under Netty's NIO transport, may
 * release a registered channel's descriptor only at the selector's next selection, so there the
 * test is skipped.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpCloseReleasesAddressTest {
    private static final int ROUNDS = 50;
    private static EventLoopGroup group;

    @BeforeAll
    static void setUp() {
        Assumptions.assumeTrue(Iocp.isAvailable(), () -> "Iocp unavailable: " + Iocp.unavailabilityCause());
        Assumptions.assumeTrue("io_uring".equals(Iocp.backendName()),
                "the JDK's channels release a registered channel's descriptor at the next selection");
        group = new IocpEventLoopGroup(1);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aClosedServerChannelsPortBindsAgainAtOnce() throws Exception {
        for (int i = 0; i < ROUNDS; i++) {
            Channel server = new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            InetSocketAddress address = (InetSocketAddress) server.localAddress();
            server.close().sync();
            try (ServerSocket again = new ServerSocket()) {
                again.bind(address); // throws BindException while the listener is still open
            }
        }
    }

    @Test
    void aClosedDatagramChannelsPortBindsAgainAtOnce() throws Exception {
        for (int i = 0; i < ROUNDS; i++) {
            Channel channel = new Bootstrap().group(group).channel(IocpDatagramChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            InetSocketAddress address = (InetSocketAddress) channel.localAddress();
            channel.close().sync();
            try (DatagramSocket again = new DatagramSocket(address)) {
                again.getLocalPort();
            }
        }
    }
}
