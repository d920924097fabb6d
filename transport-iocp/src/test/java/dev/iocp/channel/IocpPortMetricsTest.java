package dev.iocp.channel;

import dev.iocp.port.PortCounter;
import dev.iocp.port.PortMetrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A loop's port counters through the public API, {@link Iocp#metrics}. */
class IocpPortMetricsTest {

    @BeforeEach
    void transportAvailable() {
        Assumptions.assumeTrue(Iocp.isAvailable(), () -> "Iocp unavailable: " + Iocp.unavailabilityCause());
    }

    @Test
    void anEchoShowsInItsLoopsCounters() throws Exception {
        EventLoopGroup group = new IocpEventLoopGroup(1);
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
                            });
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            CompletableFuture<Void> echoed = new CompletableFuture<>();
            Channel client = new Bootstrap().group(group).channel(IocpSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        private int received;

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            received += ((ByteBuf) msg).readableBytes();
                            ((ByteBuf) msg).release();
                            if (received >= 5) {
                                echoed.complete(null);
                            }
                        }
                    }).connect(server.localAddress()).sync().channel();
            PortMetrics metrics = Iocp.metrics(client.eventLoop());
            long before = metrics.get(PortCounter.COMPLETIONS);
            client.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)).sync();
            echoed.get(10, TimeUnit.SECONDS);

            assertSame(metrics, Iocp.metrics(server.eventLoop()), "one loop, one port");
            assertEquals(Iocp.backendName(), metrics.backend());
            // At least: the client's send and receive, the server child's receive and send.
            // The loop counts a batch's completions when the batch ends, after the handler that
            // completed the echo has run.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (metrics.get(PortCounter.COMPLETIONS) - before < 4 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(metrics.get(PortCounter.COMPLETIONS) - before >= 4, metrics::toString);
            assertTrue(metrics.get(PortCounter.SUBMISSIONS) > 0, metrics::toString);
            assertTrue(metrics.get(PortCounter.DEQUEUES) > 0, metrics::toString);
            assertTrue(metrics.get(PortCounter.KERNEL_ENTRIES) > 0, metrics::toString);
            assertTrue(metrics.get(PortCounter.OPERATIONS_IN_FLIGHT) >= 2, "the server's accept and the receives wait: "
                    + metrics);
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void eachLoopOfAGroupHasItsOwnCountersWhichOutliveIt() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(3, IocpIoHandler.newFactory());
        Set<PortMetrics> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        try {
            for (EventExecutor loop : group) {
                seen.add(Iocp.metrics(loop));
                loop.submit(() -> { }).sync(); // starts the loop, which then dequeues
            }
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
        assertEquals(3, seen.size());
        for (PortMetrics metrics : seen) {
            assertTrue(metrics.get(PortCounter.DEQUEUES) > 0, "the loop ran: " + metrics);
        }
        for (EventExecutor loop : group) {
            assertTrue(seen.contains(Iocp.metrics(loop)), "still there after the shutdown");
        }
    }

    @Test
    void loopsOfOtherTransportsAreRefused() throws Exception {
        DefaultEventLoop plain = new DefaultEventLoop();
        EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Iocp.metrics(plain));
            assertTrue(refused.getMessage().contains("not an event loop of this transport"), refused.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Iocp.metrics(nio.next()));
            assertThrows(NullPointerException.class, () -> Iocp.metrics(null));
        } finally {
            plain.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            nio.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}
