package dev.iocp.channel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.UnixChannelOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SO_REUSEPORT as code written for epoll sets it ({@link UnixChannelOption#SO_REUSEPORT}): one
 * server channel per event loop, all bound to one port, the kernel spreading the connections
 * across them by a hash of each connection's addresses. Both backends (the JDK takes
 * SO_REUSEPORT on Linux).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpReusePortTest {
    private static final int LISTENERS = 4;
    private static final int CONNECTIONS = 200;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private EventLoopGroup group;
    private final List<Channel> servers = new ArrayList<>();
    private final List<Socket> clients = new ArrayList<>();

    @BeforeEach
    void setUp() {
        Assumptions.assumeTrue(Iocp.isAvailable(), () -> "Iocp unavailable: " + Iocp.unavailabilityCause());
        group = new IocpEventLoopGroup(LISTENERS);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Socket client : clients) {
            client.close();
        }
        for (Channel server : servers) {
            server.close().sync();
        }
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(20, TimeUnit.SECONDS);
        }
    }

    /** Counts each accepted connection against the server channel that accepted it, then closes it. */
    @ChannelHandler.Sharable
    private static final class AcceptCounter extends ChannelInboundHandlerAdapter {
        final Map<Channel, AtomicInteger> perServer = new ConcurrentHashMap<>();
        final CountDownLatch all = new CountDownLatch(CONNECTIONS);

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            perServer.computeIfAbsent(ctx.channel().parent(), server -> new AtomicInteger()).incrementAndGet();
            all.countDown();
            ctx.close();
        }
    }

    private ServerBootstrap bootstrap(AcceptCounter counter) {
        return new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class).childHandler(counter);
    }

    @Test
    void serverChannelsOnEveryLoopShareOnePortAndTheKernelSpreadsConnectionsAcrossThem() throws Exception {
        assertSame(UnixChannelOption.SO_REUSEPORT, IocpChannelOption.SO_REUSEPORT, "epoll's name is the transport's option");
        AcceptCounter counter = new AcceptCounter();
        ServerBootstrap bootstrap = bootstrap(counter).option(UnixChannelOption.SO_REUSEPORT, true);
        Channel first = bootstrap.bind(new InetSocketAddress(LOOPBACK, 0)).sync().channel();
        servers.add(first);
        InetSocketAddress address = (InetSocketAddress) first.localAddress();
        for (int i = 1; i < LISTENERS; i++) {
            servers.add(bootstrap.bind(address).sync().channel());
        }
        Set<EventLoop> loops = servers.stream().map(Channel::eventLoop).collect(Collectors.toSet());
        assertEquals(LISTENERS, loops.size(), "one server channel per event loop");
        for (Channel server : servers) {
            assertEquals(address, server.localAddress());
            assertTrue(server.config().getOption(UnixChannelOption.SO_REUSEPORT));
        }

        for (int i = 0; i < CONNECTIONS; i++) {
            Socket client = new Socket();
            clients.add(client);
            client.connect(address, 5_000);
        }
        assertTrue(counter.all.await(30, TimeUnit.SECONDS),
                () -> "accepted " + (CONNECTIONS - counter.all.getCount()) + " of " + CONNECTIONS);

        Map<Channel, Integer> accepted = counter.perServer.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
        assertTrue(servers.containsAll(accepted.keySet()), () -> "accepted by a channel not bound here: " + accepted);
        assertEquals(CONNECTIONS, accepted.values().stream().mapToInt(Integer::intValue).sum());
        // The kernel picks a listener by a hash of the client's port, among others: 200 connections
        // all landing on one of four would be a chance of 4^-199, so one means no spreading at all.
        assertTrue(accepted.size() > 1, () -> "every connection went to one server channel: " + accepted);
    }

    @Test
    void withoutSoReusePortASecondBindToTheSamePortFailsWithEaddrinuse() throws Exception {
        AcceptCounter counter = new AcceptCounter();
        Channel first = bootstrap(counter).bind(new InetSocketAddress(LOOPBACK, 0)).sync().channel();
        servers.add(first);
        ChannelFuture second = bootstrap(counter).bind(first.localAddress()).await();
        assertFalse(second.isSuccess(), "two listeners on one port without SO_REUSEPORT");
        IOException cause = assertInstanceOf(IOException.class, second.cause());
        assertTrue(cause.getMessage().contains("EADDRINUSE"), cause::toString);
        assertTrue(second.channel().closeFuture().await(10, TimeUnit.SECONDS), "the failed channel is closed");
    }
}
