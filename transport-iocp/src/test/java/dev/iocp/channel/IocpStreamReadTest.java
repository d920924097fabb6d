package dev.iocp.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading through the stream receive where one arrival makes several {@code channelRead}s (the
 * allocator's buffers are smaller than what arrived) and where data is held for the next
 * {@code read()}: a close from {@code channelReadComplete} ends reading, and a failing allocator
 * during the delivery of held data is reported and retried, as NIO's read loop does.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpStreamReadTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static EventLoopGroup group;

    @BeforeAll
    static void setUp() {
        Assumptions.assumeTrue(Iocp.isAvailable(), () -> "Iocp unavailable: " + Iocp.unavailabilityCause());
        group = new IocpEventLoopGroup(1);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    /** Records channelRead/channelReadComplete/inactive/exceptions in order. */
    private static class Events extends ChannelInboundHandlerAdapter {
        final Queue<String> events = new ConcurrentLinkedQueue<>();
        final AtomicInteger bytes = new AtomicInteger();
        final CountDownLatch inactive = new CountDownLatch(1);
        volatile Channel channel;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            events.add(ctx.channel().isOpen() ? "read" : "read-after-close");
            bytes.addAndGet(((ByteBuf) msg).readableBytes());
            ((ByteBuf) msg).release();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            events.add("readComplete");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            events.add("exception " + cause.getMessage());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            events.add("inactive");
            inactive.countDown();
        }
    }

    private static Channel server(RecvByteBufAllocator allocator, boolean autoRead, Events child)
            throws InterruptedException {
        return new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, allocator)
                .childOption(ChannelOption.AUTO_READ, autoRead)
                .childHandler(child).bind(LOOPBACK).sync().channel();
    }

    private static Channel client(Channel server) throws InterruptedException {
        return new Bootstrap().group(group).channel(IocpSocketChannel.class).handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).sync().channel();
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /**
     * With Netty's default receive allocator an arrival reaches the pipeline in the memory it
     * landed in, a slice exactly its size (no copy); a RecvByteBufAllocator the user chose still
     * sizes the buffers, which are copies (on the nio backend as on io_uring).
     */
    @Test
    void arrivalsReachThePipelineWithoutACopyOnlyWithNettysDefaultReceiveAllocator() throws Exception {
        Assumptions.assumeTrue(Boolean.parseBoolean(System.getProperty("dev.iocp.receiveWithoutCopy", "true")));
        // Slices: each exactly as large as what it holds (maxCapacity too: no room to write);
        // a small piece of it, should the arrival come in pieces, a copy exactly its size.
        boolean sliced = false;
        for (int[] buffer : buffersOf(new AdaptiveRecvByteBufAllocator(), 8 * 1024)) {
            assertEquals(buffer[0], buffer[1], "capacity and readable bytes of a buffer");
            if (buffer[0] >= IocpSocketChannel.SLICE_FROM) {
                assertEquals(buffer[0], buffer[2], "maxCapacity and readable bytes of a buffer");
                sliced = true;
            }
        }
        assertTrue(sliced, "no arrival was handed on as a slice");
        // Copies, sized by the allocator the user chose.
        for (int[] buffer : buffersOf(new FixedRecvByteBufAllocator(1024), 8 * 1024)) {
            assertEquals(1024, buffer[1], "capacity of a buffer from a FixedRecvByteBufAllocator(1024)");
        }
        // A small arrival is copied into a buffer of its own size, so keeping it pins no shared buffer.
        for (int[] buffer : buffersOf(new AdaptiveRecvByteBufAllocator(), 100)) {
            assertEquals(100, buffer[0]);
            assertTrue(buffer[2] > 100, "a small arrival's buffer is a copy that can grow: " + buffer[2]);
        }
    }

    /**
     * Arrivals handed on as slices while the channel is not reading are held as they are: the
     * next read() delivers them whole and in order, and a close releases what is still held (the
     * leak detector, after each test, fails the test otherwise).
     */
    @Test
    void arrivalsHeldAsSlicesAreDeliveredByTheNextReadOrReleasedByTheClose() throws Exception {
        java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        Events child = new Events() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf buf = (ByteBuf) msg;
                byte[] bytes = new byte[buf.readableBytes()];
                buf.getBytes(buf.readerIndex(), bytes);
                synchronized (received) {
                    received.writeBytes(bytes);
                }
                super.channelRead(ctx, msg);
            }
        };
        Channel server = server(new AdaptiveRecvByteBufAllocator(), false, child);
        Channel client = client(server);
        await(() -> child.channel != null);
        byte[] sent = new byte[64 * 1024];
        new java.util.SplittableRandom(2).nextBytes(sent);
        client.writeAndFlush(Unpooled.wrappedBuffer(sent)).sync(); // nobody reads: held
        Thread.sleep(100);
        while (child.bytes.get() < sent.length) {
            int before = child.bytes.get();
            child.channel.read();
            await(() -> child.bytes.get() > before);
            assertTrue(child.bytes.get() > before, () -> "a read() delivered nothing: " + child.events);
        }
        synchronized (received) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(sent, received.toByteArray());
        }
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[32 * 1024])).sync(); // held again
        Thread.sleep(100);
        child.channel.close().sync(); // releases what is held
        assertEquals(sent.length, child.bytes.get(), "nothing is read after the close");
        client.close().sync();
        server.close().sync();
    }

    /** Readable bytes, capacity and maxCapacity of each buffer a child reads {@code size} bytes in. */
    private static List<int[]> buffersOf(RecvByteBufAllocator allocator, int size) throws Exception {
        Queue<int[]> capacities = new ConcurrentLinkedQueue<>();
        AtomicInteger bytes = new AtomicInteger();
        Channel server = new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, allocator)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buffer = (ByteBuf) msg;
                        capacities.add(new int[] {buffer.readableBytes(), buffer.capacity(), buffer.maxCapacity()});
                        bytes.addAndGet(buffer.readableBytes());
                        buffer.release();
                    }
                }).bind(LOOPBACK).sync().channel();
        Channel client = client(server);
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[size])).sync();
        await(() -> bytes.get() == size);
        client.close().sync();
        server.close().sync();
        assertEquals(size, bytes.get());
        return List.copyOf(capacities);
    }

    @Test
    void aCloseFromChannelReadCompleteInTheMiddleOfAnArrivalEndsReading() throws Exception {
        Events child = new Events() {
            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                super.channelReadComplete(ctx);
                ctx.close();
            }
        };
        // 64-byte buffers, two per batch: 1000 bytes take many batches.
        Channel server = server(new FixedRecvByteBufAllocator(64).maxMessagesPerRead(2), true, child);
        Channel client = client(server);
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[1000])).sync();
        assertTrue(child.inactive.await(10, TimeUnit.SECONDS));
        List<String> events = List.copyOf(child.events);
        assertEquals(List.of("read", "read", "readComplete", "inactive"), events);
        client.close().sync();
        server.close().sync();
    }

    /**
     * Held input delivered a little per read(): each read delivers what the RecvByteBufAllocator
     * says (1024 bytes, one message), what it does not take stays held (in place, not copied
     * again), and the reads together deliver every byte, in order, once.
     */
    @Test
    void heldInputDeliveredAKilobytePerReadArrivesWholeAndInOrder() throws Exception {
        java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        AtomicInteger largest = new AtomicInteger();
        Events child = new Events() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf buf = (ByteBuf) msg;
                largest.accumulateAndGet(buf.readableBytes(), Math::max);
                byte[] bytes = new byte[buf.readableBytes()];
                buf.getBytes(buf.readerIndex(), bytes);
                synchronized (received) {
                    received.writeBytes(bytes);
                }
                super.channelRead(ctx, msg);
            }
        };
        Channel server = server(new FixedRecvByteBufAllocator(1024).maxMessagesPerRead(1), false, child);
        Channel client = client(server);
        await(() -> child.channel != null);
        child.channel.read();
        byte[] first = {1, 2, 3};
        client.writeAndFlush(Unpooled.wrappedBuffer(first)).sync();
        await(() -> child.bytes.get() == first.length);
        byte[] rest = new byte[48 * 1024 + 77];
        for (int i = 0; i < rest.length; i++) {
            rest[i] = (byte) (i * 31 + i / 251);
        }
        client.writeAndFlush(Unpooled.wrappedBuffer(rest)).sync(); // arrives while not reading: held
        int total = first.length + rest.length;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (child.bytes.get() < total) {
            assertTrue(System.nanoTime() < deadline, () -> child.bytes.get() + " of " + total + " bytes");
            int before = child.bytes.get();
            child.channel.read();
            await(() -> child.bytes.get() > before);
        }
        assertEquals(1024, largest.get(), "the most one channelRead delivered");
        byte[] expected = new byte[total];
        System.arraycopy(first, 0, expected, 0, first.length);
        System.arraycopy(rest, 0, expected, first.length, rest.length);
        synchronized (received) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, received.toByteArray());
        }
        client.close().sync();
        server.close().sync();
    }

    @Test
    void aCloseFromChannelReadCompleteWhileHeldDataIsDeliveredLeavesNothingHeld() throws Exception {
        Events child = new Events() {
            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                super.channelReadComplete(ctx);
                if (bytes.get() > 100) {
                    ctx.close();
                }
            }
        };
        Channel server = server(new FixedRecvByteBufAllocator(1024).maxMessagesPerRead(1), false, child);
        Channel client = client(server);
        await(() -> child.channel != null);
        child.channel.read();
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[100])).sync();
        await(() -> child.bytes.get() == 100);
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[8192])).sync(); // arrives while not reading: held
        Thread.sleep(100);
        child.channel.read();
        assertTrue(child.inactive.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("read", "readComplete", "read", "readComplete", "inactive"), List.copyOf(child.events));
        client.close().sync();
        server.close().sync();
        // The leak detector (after each test) fails the test if held data was not released.
    }

    @Test
    void heldDataIsDeliveredWithoutAllocatingAndAnAllocatorFailureLaterLosesNothing() throws Exception {
        AtomicInteger failNext = new AtomicInteger();
        RecvByteBufAllocator failing = new AdaptiveRecvByteBufAllocator() {
            @Override
            public Handle newHandle() {
                return new DelegatingHandle(super.newHandle()) {
                    @Override
                    public ByteBuf allocate(ByteBufAllocator alloc) {
                        if (failNext.getAndSet(0) == 1) {
                            throw new IllegalStateException("simulated allocator failure");
                        }
                        return super.allocate(alloc);
                    }
                };
            }
        };
        Events child = new Events();
        Channel server = server(failing, false, child);
        Channel client = client(server);
        await(() -> child.channel != null);
        child.channel.read();
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[100])).sync();
        await(() -> child.bytes.get() == 100);
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[300])).sync(); // held: nobody reads
        Thread.sleep(100);
        failNext.set(1);
        child.channel.read(); // held data was copied when it arrived, and is delivered as it is
        await(() -> child.bytes.get() == 400);
        assertEquals(400, child.bytes.get(), () -> "events: " + child.events);
        assertEquals(1, failNext.get(), "the delivery of held data asked the RecvByteBufAllocator for a buffer");
        child.channel.eventLoop().submit(() -> child.channel.read()).sync(); // reading before the data comes
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[50])).sync(); // its copy fails once
        await(() -> child.events.contains("exception simulated allocator failure"));
        assertTrue(child.events.contains("exception simulated allocator failure"), () -> "events: " + child.events);
        // What the failed read received was kept: the read still pending tries again, as NIO's does.
        await(() -> child.bytes.get() == 450);
        assertEquals(450, child.bytes.get(), () -> "events: " + child.events);
        assertTrue(child.channel.isOpen());
        client.close().sync();
        server.close().sync();
    }
}
