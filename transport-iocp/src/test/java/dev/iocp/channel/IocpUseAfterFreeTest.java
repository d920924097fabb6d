package dev.iocp.channel;

import dev.iocp.channel.faults.ChannelTracker;
import dev.iocp.channel.faults.Clients;
import dev.iocp.channel.faults.PoisoningAllocator;
import dev.iocp.channel.faults.TestData;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No buffer is used by the kernel after the channel released it. Every buffer of the server's
 * children comes from a {@link PoisoningAllocator}, which poisons released memory and never
 * reuses it; while sends (large, so they are partial) and receives are in flight, the server
 * closes, closes forcibly, shuts its output down, toggles auto-read (which cancels receives) or
 * shuts the whole loop down. A send from released memory shows as poison at the client; a
 * receive into released memory shows in the quarantine.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpUseAfterFreeTest {
    private static final int CONNECTIONS = 60;
    private static final int CHUNK = 256 * 1024;
    private static final int CHUNKS = 8;
    private static final int CLIENT_BYTES = 1024 * 1024;
    private static final String[] ACTIONS = {"close", "close later", "closeForcibly", "shutdownOutput",
        "auto-read toggling", "loop shutdown"};

    /** What the server does to a connection, chosen by the client's port (both sides know it). */
    private static int action(int clientPort) {
        return clientPort % ACTIONS.length;
    }

    /** Writes a large response, then races the connection's end against it. */
    private static final class Racer extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            int port = ((InetSocketAddress) ctx.channel().remoteAddress()).getPort();
            for (int i = 0; i < CHUNKS; i++) {
                ByteBuf chunk = ctx.alloc().directBuffer(CHUNK);
                chunk.writeBytes(TestData.bytes(port, (long) i * CHUNK, CHUNK));
                ctx.write(chunk);
            }
            ctx.flush();
            Channel channel = ctx.channel();
            EventLoop loop = channel.eventLoop();
            int delay = port % 4; // 0: in this very turn, with the sends just submitted
            switch (action(port)) {
                case 0 -> later(loop, 0, channel::close);
                case 1 -> later(loop, 1 + delay, channel::close);
                case 2 -> later(loop, delay, () -> {
                    channel.unsafe().closeForcibly();
                    // Then an ordinary close, as a user would, which lets go of what closeForcibly kept.
                    loop.schedule(() -> channel.close(), 50, TimeUnit.MILLISECONDS);
                });
                case 3 -> later(loop, delay, ((SocketChannel) channel)::shutdownOutput);
                case 4 -> toggle(channel, 20);
                default -> { } // left to the loop's shutdown
            }
            ctx.fireChannelActive();
        }

        private static void later(EventLoop loop, int millis, Runnable task) {
            if (millis == 0) {
                task.run();
            } else {
                loop.schedule(task, millis, TimeUnit.MILLISECONDS);
            }
        }

        /** Switches auto-read every millisecond (each switch off cancels the receive in flight), then closes. */
        private static void toggle(Channel channel, int times) {
            if (times == 0 || !channel.isOpen()) {
                channel.close();
                return;
            }
            channel.config().setAutoRead(!channel.config().isAutoRead());
            channel.eventLoop().schedule(() -> toggle(channel, times - 1), 1, TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** {@link IocpChannelOption#SEND_ZEROCOPY_THRESHOLD} of the server's children; -1: off. */
    int zeroCopyThreshold() {
        return -1;
    }

    @Test
    void theKernelNeverReadsOrWritesReleasedMemory() throws Exception {
        FaultTestSupport.assumeReady();
        PoisoningAllocator allocator = new PoisoningAllocator();
        MultiThreadIoEventLoopGroup group = FaultTestSupport.group(2);
        ChannelTracker tracker = new ChannelTracker(false);
        Map<String, LongAdder> poisoned = new ConcurrentHashMap<>();
        Map<String, LongAdder> corrupted = new ConcurrentHashMap<>();
        AtomicInteger received = new AtomicInteger();
        try {
            Channel server = new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                    .childOption(ChannelOption.ALLOCATOR, allocator)
                    .childOption(ChannelOption.SO_SNDBUF, 32 * 1024)
                    .childOption(IocpChannelOption.SEND_ZEROCOPY_THRESHOLD, zeroCopyThreshold())
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            tracker.track(ch);
                            ch.pipeline().addLast(new Racer());
                        }
                    }).bind(FaultTestSupport.LOOPBACK).sync().channel();
            InetSocketAddress address = (InetSocketAddress) server.localAddress();
            Clients.Outcome outcome;
            try (Clients clients = new Clients(CONNECTIONS)) {
                Thread shutdown = Thread.ofPlatform().start(() -> {
                    // Once every connection is up, shut the loops down under the remaining traffic.
                    try {
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                        while (tracker.opened() < CONNECTIONS && System.nanoTime() < deadline) {
                            Thread.sleep(1);
                        }
                        Thread.sleep(20);
                        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                outcome = clients.run(CONNECTIONS, Duration.ofSeconds(60), i -> {
                    Socket connected = clients.connect(address);
                    try {
                        connected.setSoTimeout(5_000);
                        String name = ACTIONS[action(connected.getLocalPort())];
                        readAndVerify(connected, name, poisoned, corrupted, received);
                    } finally {
                        clients.close(connected);
                    }
                });
                shutdown.join(30_000);
            }
            assertTrue(group.awaitTermination(30, TimeUnit.SECONDS), "the group did not terminate");
            System.out.printf("use-after-free check (%s): %d bytes received by clients, %d buffers (%d MiB) released and"
                    + " poisoned%n", Iocp.backendName(), received.get(), allocator.quarantinedBuffers(),
                    allocator.quarantinedBytes() >> 20);
            assertTrue(outcome.allFinished(), outcome::toString);
            assertTrue(received.get() > 0, "no client received anything");
            assertEquals(Map.of(), counts(poisoned), "clients that received poison (sent from released memory), by action");
            assertEquals(Map.of(), counts(corrupted), "clients that received wrong bytes other than poison, by action");
            allocator.assertNoneWrittenAfterRelease();
            assertTrue(allocator.quarantinedBuffers() > 0, "no buffer was released");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(20, TimeUnit.SECONDS);
            allocator.dispose();
        }
    }

    private static Map<String, Long> counts(Map<String, LongAdder> adders) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        adders.forEach((k, v) -> counts.put(k, v.sum()));
        return counts;
    }

    /**
     * Sends (from another thread) while reading the server's response to its end, checking
     * every byte against the pattern the server wrote for this port.
     */
    private static void readAndVerify(Socket socket, String action, Map<String, LongAdder> poisoned,
                                      Map<String, LongAdder> corrupted, AtomicInteger received) throws Exception {
        int seed = socket.getLocalPort();
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        Thread writer = Thread.ofVirtual().start(() -> {
            byte[] chunk = new byte[16 * 1024];
            try {
                for (int sent = 0; sent < CLIENT_BYTES; sent += chunk.length) {
                    TestData.fill(~seed, sent, chunk, 0, chunk.length);
                    out.write(chunk);
                }
            } catch (IOException closedOrReset) {
                // the server ended the connection: expected
            }
        });
        boolean slow = action.equals("loop shutdown");
        byte[] got = new byte[16 * 1024];
        long offset = 0;
        try {
            int n;
            while ((n = in.read(got)) > 0) {
                received.addAndGet(n);
                for (int i = 0; i < n; i++) {
                    if (got[i] != TestData.at(seed, offset + i)) {
                        (got[i] == PoisoningAllocator.POISON ? poisoned : corrupted)
                                .computeIfAbsent(action, k -> new LongAdder()).increment();
                        return;
                    }
                }
                offset += n;
                if (slow) {
                    Thread.sleep(1); // keeps the server's sends partial and in flight when the loops shut down
                }
            }
        } catch (IOException resetOrTimeout) {
            // the server reset or went away: what was read so far was checked
        } finally {
            socket.close();
            writer.join(5_000);
        }
    }
}
