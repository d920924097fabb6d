package dev.iocp.micrometer;

import dev.iocp.channel.Iocp;
import dev.iocp.channel.IocpEventLoopGroup;
import dev.iocp.channel.IocpServerSocketChannel;
import dev.iocp.channel.IocpSocketChannel;
import dev.iocp.port.PortCounter;
import dev.iocp.port.PortMetrics;
import dev.iocp.testing.ExpectedBackend;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link IocpEventLoopMetrics} on a {@link SimpleMeterRegistry}, over a group that has carried traffic. */
class IocpEventLoopMetricsTest {
    private static final int LOOPS = 2;

    private EventLoopGroup group;
    private Channel server;

    @BeforeEach
    void start() throws Exception {
        group = new IocpEventLoopGroup(LOOPS);
        server = new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                .childHandler(new Echo())
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    @AfterEach
    void stop() throws Exception {
        server.close().sync();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    @Test
    void everyCounterOfEveryLoopIsAMeterTaggedWithItsLoopAndBackend() throws Exception {
        echo("hello");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new IocpEventLoopMetrics(group, Tags.of("group", "all")).bindTo(registry);

        int perLoop = PortCounter.values().length + PortMetrics.BATCH_SIZE_BUCKETS;
        assertEquals(LOOPS * perLoop, registry.getMeters().size());
        for (Meter meter : registry.getMeters()) {
            assertEquals("all", meter.getId().getTag("group"), meter.getId().toString());
            assertEquals(ExpectedBackend.name(), meter.getId().getTag("backend"), meter.getId().toString());
            assertNotNull(meter.getId().getTag("event.loop"), meter.getId().toString());
        }
        for (PortCounter counter : PortCounter.values()) {
            for (int loop = 0; loop < LOOPS; loop++) {
                String loopTag = Integer.toString(loop);
                Meter meter = registry.find(IocpEventLoopMetrics.PREFIX + counter.metricName())
                        .tag("event.loop", loopTag).meter();
                assertNotNull(meter, counter + " of loop " + loop);
                assertEquals(counter.isGauge() ? Meter.Type.GAUGE : Meter.Type.COUNTER, meter.getId().getType(),
                        counter.toString());
                assertEquals(counter.description(), meter.getId().getDescription());
            }
        }
    }

    @Test
    void metersReadTheLoopsLiveCounters() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new IocpEventLoopMetrics(group).bindTo(registry);
        double before = total(registry, "iocp.port.completions");
        echo("one");
        echo("two");
        double after = total(registry, "iocp.port.completions");
        // Two connections accepted, connected, echoed and closed: each of those completes at least once.
        assertTrue(after >= before + 8, "completions went from " + before + " to " + after);

        List<EventExecutor> loops = new ArrayList<>();
        group.forEach(loops::add);
        for (int index = 0; index < LOOPS; index++) {
            EventExecutor loop = loops.get(index);
            String loopTag = Integer.toString(index);
            // Read on the loop itself, where nothing moves the counters meanwhile.
            double[] read = loop.submit(() -> {
                double histogram = 0;
                for (FunctionCounter bucket : registry.find(IocpEventLoopMetrics.DEQUEUE_BATCHES)
                        .tag("event.loop", loopTag).functionCounters()) {
                    histogram += bucket.count();
                }
                double dequeues = registry.get("iocp.port.dequeues").tag("event.loop", loopTag).functionCounter().count();
                double completions = registry.get("iocp.port.completions").tag("event.loop", loopTag)
                        .functionCounter().count();
                double inFlight = registry.get("iocp.port.operations.in_flight").tag("event.loop", loopTag)
                        .gauge().value();
                PortMetrics direct = Iocp.metrics(loop);
                return new double[] {histogram, dequeues, completions, direct.get(PortCounter.COMPLETIONS),
                        inFlight, direct.get(PortCounter.OPERATIONS_IN_FLIGHT)};
            }).get(10, TimeUnit.SECONDS);
            assertEquals(read[1], read[0], "loop " + index + ": the batch-size buckets add up to the dequeues");
            assertEquals(read[3], read[2], "loop " + index + ": the counter is the port's own");
            assertEquals(read[5], read[4], "loop " + index + ": the gauge is the port's own");
        }
        assertEquals(PortMetrics.BATCH_SIZE_BUCKETS,
                registry.find(IocpEventLoopMetrics.DEQUEUE_BATCHES).tag("event.loop", "0").functionCounters().size());
        Gauge inFlight = registry.find("iocp.port.operations.in_flight").gauges().iterator().next();
        assertTrue(inFlight.value() >= 0);
    }

    @Test
    void refusesAGroupOfAnotherTransport() throws Exception {
        EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new IocpEventLoopMetrics(nio));
            assertNotNull(e.getMessage());
        } finally {
            nio.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    /** Writes back what it reads; one instance serves every connection. */
    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    /** The sum of the counters named {@code name} over every loop. */
    private static double total(SimpleMeterRegistry registry, String name) {
        double sum = 0;
        for (FunctionCounter counter : registry.find(name).functionCounters()) {
            sum += counter.count();
        }
        return sum;
    }

    /** Connects, sends {@code text}, waits for it to come back and closes. */
    private void echo(String text) throws Exception {
        CompletableFuture<String> echoed = new CompletableFuture<>();
        Channel client = new Bootstrap().group(group).channel(IocpSocketChannel.class)
                .handler(new SimpleChannelInboundHandler<ByteBuf>() {
                    private final StringBuilder received = new StringBuilder();

                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                        received.append(msg.toString(StandardCharsets.US_ASCII));
                        if (received.length() >= text.length()) {
                            echoed.complete(received.toString());
                        }
                    }
                })
                .connect(server.localAddress()).sync().channel();
        client.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII)).sync();
        assertEquals(text, echoed.get(10, TimeUnit.SECONDS));
        client.close().sync();
    }
}
