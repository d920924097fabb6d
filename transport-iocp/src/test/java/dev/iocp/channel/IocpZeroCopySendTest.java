package dev.iocp.channel;

import dev.iocp.channel.faults.FaultInjectingPort;
import dev.iocp.channel.faults.FaultInjector;
import dev.iocp.channel.faults.PoisoningAllocator;
import dev.iocp.channel.faults.TestData;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link IocpChannelOption#SEND_ZEROCOPY_THRESHOLD}: its values, and sends at or above it going
 * out zero-copy, intact and in order with the copying ones around them, their messages released
 * only once the kernel has let go of them. Runs on both backends; on nio (and on kernels without
 * SEND_ZC) the port sends the zero-copy requests by copying.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpZeroCopySendTest {
    private static final int THRESHOLD = 64 * 1024;
    /** Below, at, far above, just below the threshold: each written and flushed on its own. */
    private static final int[] SIZES = {100, THRESHOLD, 4 << 20, THRESHOLD - 1, 10, 1 << 20, 3};

    @Test
    void theThresholdIsOffByDefaultRoundTripsAndRefusesValuesBelowMinusOne() {
        IocpSocketChannel channel = new IocpSocketChannel();
        try {
            IocpSocketChannelConfig config = channel.config();
            assertEquals(-1, config.getOption(IocpChannelOption.SEND_ZEROCOPY_THRESHOLD));
            assertEquals(-1, config.getOptions().get(IocpChannelOption.SEND_ZEROCOPY_THRESHOLD));
            assertTrue(config.setOption(IocpChannelOption.SEND_ZEROCOPY_THRESHOLD, 0), "accepted on every backend");
            assertEquals(0, config.getSendZeroCopyThreshold());
            assertTrue(config.setOption(IocpChannelOption.SEND_ZEROCOPY_THRESHOLD, 16384));
            assertEquals(16384, config.getOption(IocpChannelOption.SEND_ZEROCOPY_THRESHOLD));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> config.setOption(IocpChannelOption.SEND_ZEROCOPY_THRESHOLD, -2));
            assertEquals("SEND_ZEROCOPY_THRESHOLD must be -1 (off) or at least 0, not -2", e.getMessage());
            assertThrows(NullPointerException.class, () -> config.setOption(IocpChannelOption.SEND_ZEROCOPY_THRESHOLD, null));
            assertEquals(16384, config.getSendZeroCopyThreshold(), "a refused value changes nothing");
            assertEquals(-1, config.setSendZeroCopyThreshold(-1).getSendZeroCopyThreshold());
        } finally {
            channel.unsafe().closeForcibly();
        }
    }

    /**
     * The client reads slowly through a small window, so the kernel holds each large message's
     * tail unsent, in the message's own pages, long after the send's result: a message released
     * then (its memory poisoned by the allocator) would reach the client as poison.
     */
    @Test
    void sendsAtOrAboveTheThresholdGoOutZeroCopyAndEveryByteArrivesInOrder() throws Exception {
        FaultTestSupport.assumeReady();
        PoisoningAllocator allocator = new PoisoningAllocator();
        FaultInjector injector = new FaultInjector();
        MultiThreadIoEventLoopGroup group = FaultTestSupport.group(1, injector);
        long total = 0;
        for (int size : SIZES) {
            total += size;
        }
        try {
            Channel server = new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                    .childOption(IocpChannelOption.SEND_ZEROCOPY_THRESHOLD, THRESHOLD)
                    .childOption(ChannelOption.ALLOCATOR, allocator)
                    .childOption(ChannelOption.SO_SNDBUF, 64 * 1024)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new OneAtATime());
                        }
                    }).bind(FaultTestSupport.LOOPBACK).sync().channel();
            long received = 0;
            try (Socket client = new Socket()) {
                client.setReceiveBufferSize(16 * 1024); // before connecting: the window starts small
                client.connect((InetSocketAddress) server.localAddress());
                client.setSoTimeout(30_000);
                InputStream in = client.getInputStream();
                byte[] got = new byte[32 * 1024];
                int n;
                while ((n = in.read(got)) > 0) {
                    for (int i = 0; i < n; i++) {
                        if (got[i] != TestData.at(7, received + i)) {
                            throw new AssertionError("byte " + (received + i) + " is 0x" + Integer.toHexString(got[i] & 0xff)
                                    + (got[i] == PoisoningAllocator.POISON ? ": poison, sent from a released message" : ""));
                        }
                    }
                    received += n;
                    Thread.sleep(1);
                }
            }
            assertEquals(total, received, "every byte, then the server's close");
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(20, TimeUnit.SECONDS);
            allocator.dispose();
        }
        List<FaultInjectingPort.SegmentSend> sends = injector.ports().get(0).segmentSends();
        assertFalse(sends.isEmpty());
        for (FaultInjectingPort.SegmentSend send : sends) {
            assertEquals(send.bytes() >= THRESHOLD, send.zeroCopy(), "zero-copy exactly at or above the threshold: " + sends);
        }
        assertTrue(sends.stream().anyMatch(FaultInjectingPort.SegmentSend::zeroCopy), sends::toString);
    }

    /** Writes {@link #SIZES} one message per flush, each after the last was sent, then closes. */
    private static final class OneAtATime extends ChannelInboundHandlerAdapter {
        private long offset;
        private int next;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            writeNext(ctx);
            ctx.fireChannelActive();
        }

        private void writeNext(ChannelHandlerContext ctx) {
            if (next == SIZES.length) {
                ctx.close();
                return;
            }
            int size = SIZES[next++];
            ByteBuf message = ctx.alloc().directBuffer(size);
            message.writeBytes(TestData.bytes(7, offset, size));
            offset += size;
            ChannelFuture written = ctx.writeAndFlush(message);
            written.addListener(f -> {
                if (f.isSuccess()) {
                    writeNext(ctx);
                } else {
                    ctx.close();
                }
            });
        }
    }
}
