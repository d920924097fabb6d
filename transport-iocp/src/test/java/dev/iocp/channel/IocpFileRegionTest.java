package dev.iocp.channel;

import dev.iocp.channel.faults.Descriptors;
import dev.iocp.channel.faults.FaultInjector;
import dev.iocp.port.Operation;
import dev.iocp.port.PortConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FileRegion;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FileRegion}s on the Iocp channels: {@link DefaultFileRegion}s are sent from their file
 * without passing through Java memory, back to back and on several channels of one event loop
 * (so through the loop's one cached pipe and the pipes made while sends overlap); other regions
 * are copied; a file that is closed or shorter than its region fails the write clearly; and
 * closing a channel in the middle of a region leaves no descriptor behind.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpFileRegionTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final int FILE_SIZE = 3 * 1024 * 1024 + 4321;

    @TempDir
    Path directory;
    private Path file;
    private byte[] content;
    private EventLoopGroup group;

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue(Iocp.isAvailable(), () -> "Iocp unavailable: " + Iocp.unavailabilityCause());
        content = new byte[FILE_SIZE];
        new Random(3).nextBytes(content);
        file = Files.write(directory.resolve("content.bin"), content);
        group = new IocpEventLoopGroup(1); // one loop: every channel shares its port and its pipes
    }

    @AfterEach
    void tearDown() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void regionsBackToBackOnSeveralChannelsOfOneLoopArriveWhole() throws Exception {
        int channels = 4;
        List<Receiver> receivers = new ArrayList<>();
        Channel server = serverThatReceives(receivers, channels);
        List<Channel> clients = new ArrayList<>();
        List<ByteArrayOutputStream> expected = new ArrayList<>();
        List<ChannelFuture> writes = new ArrayList<>();
        List<FileRegion> regions = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            Channel client = new Bootstrap().group(group).channel(IocpSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
            clients.add(client);
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            expected.add(stream);
            // Regions from a File and from a channel, unaligned and aligned, bytes in between,
            // an empty region: written in one go, they follow each other through the same pipe.
            long[][] ranges = {{c * 1000L, 700_000}, {0, 0}, {4096, 1 << 20}, {1, FILE_SIZE - 1}, {FILE_SIZE - 10, 10}};
            for (int r = 0; r < ranges.length; r++) {
                long position = ranges[r][0];
                long count = ranges[r][1];
                FileRegion region = r % 2 == 0 ? new DefaultFileRegion(file.toFile(), position, count)
                        : new DefaultFileRegion(FileChannel.open(file, StandardOpenOption.READ), position, count);
                regions.add(region);
                writes.add(client.write(region));
                stream.write(content, (int) position, (int) count);
                byte[] between = ("|" + c + ":" + r + "|").getBytes();
                writes.add(client.write(Unpooled.wrappedBuffer(between)));
                stream.write(between);
            }
            client.flush();
        }
        for (ChannelFuture write : writes) {
            assertTrue(write.await(60, TimeUnit.SECONDS) && write.isSuccess(), () -> String.valueOf(write.cause()));
        }
        for (FileRegion region : regions) {
            assertEquals(region.count(), region.transferred(), "transferred() says what was sent");
            assertEquals(0, region.refCnt(), "released once written");
        }
        for (Channel client : clients) {
            client.close().sync();
        }
        List<byte[]> received = new ArrayList<>();
        for (Receiver receiver : receivers) {
            received.add(receiver.bytes.get(60, TimeUnit.SECONDS));
        }
        // Channels are accepted in some order: match each stream to what one client sent.
        for (ByteArrayOutputStream stream : expected) {
            byte[] bytes = stream.toByteArray();
            assertTrue(received.stream().anyMatch(r -> Arrays.equals(bytes, r)),
                    "some channel received exactly what one client sent (" + bytes.length + " bytes)");
        }
        server.close().sync();
    }

    @Test
    void aDefaultFileRegionIsNotCopiedThroughMemoryWhileOtherRegionsAre() throws Exception {
        List<Receiver> receivers = new ArrayList<>();
        Channel server = serverThatReceives(receivers, 1);
        CountingAllocator allocator = new CountingAllocator();
        Channel client = new Bootstrap().group(group).channel(IocpSocketChannel.class)
                .option(ChannelOption.ALLOCATOR, allocator)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        client.writeAndFlush(new DefaultFileRegion(file.toFile(), 0, FILE_SIZE)).sync();
        assertEquals(0, allocator.large.get(), "no chunk buffer for a DefaultFileRegion");
        client.writeAndFlush(new Wrapped(new DefaultFileRegion(file.toFile(), 0, FILE_SIZE))).sync();
        assertTrue(allocator.large.get() > 0, "another FileRegion is read into a chunk buffer");
        client.close().sync();
        byte[] received = receivers.get(0).bytes.get(60, TimeUnit.SECONDS);
        assertEquals(2 * FILE_SIZE, received.length);
        assertArrayEquals(content, Arrays.copyOf(received, FILE_SIZE));
        assertArrayEquals(content, Arrays.copyOfRange(received, FILE_SIZE, received.length));
        server.close().sync();
    }

    @Test
    void aRegionThePortCannotSendFromItsFileIsCopiedInstead() throws Exception {
        FaultInjector injector = new FaultInjector();
        injector.refuseSendFiles(true); // what io_uring answers with neither the descriptor nor /proc
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        group = new MultiThreadIoEventLoopGroup(1, IocpIoHandler.newFactory(PortConfig.DEFAULT, injector.decorator()));
        List<Receiver> receivers = new ArrayList<>();
        Channel server = serverThatReceives(receivers, 1);
        CountingAllocator allocator = new CountingAllocator();
        Channel client = new Bootstrap().group(group).channel(IocpSocketChannel.class)
                .option(ChannelOption.ALLOCATOR, allocator)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        DefaultFileRegion region = new DefaultFileRegion(file.toFile(), 1000, FILE_SIZE - 2000);
        client.writeAndFlush(region).sync();
        assertEquals(1, injector.submitted(Operation.SEND_FILE), "one refused send-file, then copies");
        assertTrue(allocator.large.get() > 0, "read into a chunk buffer");
        assertEquals(region.count(), region.transferred());
        client.close().sync();
        assertArrayEquals(Arrays.copyOfRange(content, 1000, FILE_SIZE - 1000), receivers.get(0).bytes.get(60, TimeUnit.SECONDS));
        server.close().sync();
    }

    @Test
    void aRegionLongerThanItsFileFailsItsWriteAndTheNextWriteGoesOn() throws Exception {
        List<Receiver> receivers = new ArrayList<>();
        Channel server = serverThatReceives(receivers, 1);
        Channel client = new Bootstrap().group(group).channel(IocpSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        DefaultFileRegion tooLong = new DefaultFileRegion(file.toFile(), FILE_SIZE - 100, 1000);
        ChannelFuture failed = client.writeAndFlush(tooLong).await();
        IOException cause = assertInstanceOf(IOException.class, failed.cause());
        assertEquals("cannot send the file region of 1000 bytes from position " + (FILE_SIZE - 100)
                + " whole: its file ended after 100 of them (the file has " + FILE_SIZE + " bytes)", cause.getMessage());
        assertEquals(0, tooLong.refCnt());
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {42})).sync();
        client.close().sync();
        byte[] received = receivers.get(0).bytes.get(60, TimeUnit.SECONDS);
        assertEquals(101, received.length, "the 100 bytes the file had, then the next write");
        assertArrayEquals(Arrays.copyOfRange(content, FILE_SIZE - 100, FILE_SIZE), Arrays.copyOf(received, 100));
        server.close().sync();
    }

    /**
     * A progress listener that flushes (as code that writes from promise listeners does) while
     * the completion of a region's part is being accounted: that flush may not send the next
     * part, or end the region, under the completion that is still at work on it.
     */
    @Test
    void aProgressListenerThatFlushesMidRegionLeavesTheBytesWhole() throws Exception {
        List<Receiver> receivers = new ArrayList<>();
        Channel server = serverThatReceives(receivers, 1);
        Channel client = new Bootstrap().group(group).channel(IocpSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        AtomicInteger progressed = new AtomicInteger();
        List<ChannelFuture> writes = new ArrayList<>();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        long[][] ranges = {{0, FILE_SIZE}, {5, 100_000}};
        for (long[] range : ranges) {
            ChannelProgressivePromise promise = client.newProgressivePromise();
            promise.addListener(new ChannelProgressiveFutureListener() {
                @Override
                public void operationProgressed(ChannelProgressiveFuture future, long progress, long total) {
                    progressed.incrementAndGet();
                    client.flush();
                }

                @Override
                public void operationComplete(ChannelProgressiveFuture future) {
                }
            });
            writes.add(client.write(new DefaultFileRegion(file.toFile(), range[0], range[1]), promise));
            expected.write(content, (int) range[0], (int) range[1]);
        }
        writes.add(client.write(Unpooled.wrappedBuffer(new byte[] {42})));
        expected.write(42);
        client.flush();
        for (ChannelFuture write : writes) {
            assertTrue(write.await(60, TimeUnit.SECONDS) && write.isSuccess(), () -> String.valueOf(write.cause()));
        }
        assertTrue(client.isActive(), "the channel goes on");
        assertTrue(progressed.get() >= 2, "progress was reported: " + progressed.get());
        client.close().sync();
        assertArrayEquals(expected.toByteArray(), receivers.get(0).bytes.get(60, TimeUnit.SECONDS));
        server.close().sync();
    }

    @Test
    void aRegionWhoseFileIsClosedFailsItsWrite() throws Exception {
        List<Receiver> receivers = new ArrayList<>();
        Channel server = serverThatReceives(receivers, 1);
        Channel client = new Bootstrap().group(group).channel(IocpSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        DefaultFileRegion region = new DefaultFileRegion(channel, 0, 1000);
        channel.close();
        ChannelFuture failed = client.writeAndFlush(region).await();
        IOException cause = assertInstanceOf(IOException.class, failed.cause());
        assertTrue(cause.getMessage().contains("file channel is closed"), cause.getMessage());
        assertEquals(0, region.refCnt());
        assertTrue(client.isActive(), "only the write failed");
        client.close().sync();
        assertEquals(0, receivers.get(0).bytes.get(60, TimeUnit.SECONDS).length);
        server.close().sync();
    }

    @Test
    void closingAChannelInTheMiddleOfARegionLeavesNoDescriptorBehind() throws Exception {
        Assumptions.assumeTrue(Descriptors.available(), "needs /proc/self/fd");
        int before = pipesAndFiles(); // the loop's port opens its pipes with its first file region
        List<Receiver> receivers = new ArrayList<>();
        Channel server = serverThatReceives(receivers, 3);
        for (int round = 0; round < 3; round++) {
            Channel client = new Bootstrap().group(group).channel(IocpSocketChannel.class)
                    .option(ChannelOption.SO_SNDBUF, 32 * 1024)
                    .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
            receivers.get(round).pause(); // the peer does not read: the region stays in flight
            DefaultFileRegion region = new DefaultFileRegion(FileChannel.open(file, StandardOpenOption.READ), 0, FILE_SIZE);
            ChannelFuture write = client.writeAndFlush(region); // the loop submits it before it runs the close
            client.close().sync();
            assertTrue(write.await(30, TimeUnit.SECONDS));
            assertInstanceOf(ClosedChannelException.class, write.cause());
            assertEquals(0, region.refCnt(), "the region is released, its file closed");
            receivers.get(round).resume();
            receivers.get(round).bytes.get(30, TimeUnit.SECONDS); // its child has seen the close, and closed
        }
        server.close().sync();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync(); // closes the port and the pipe it keeps
        group = null;
        assertEquals(before, pipesAndFiles(), "no pipe, file or duplicate of it is left open");
    }

    // ---- helpers --------------------------------------------------------------------------

    /** A server whose first {@code count} children each collect everything they read. */
    private Channel serverThatReceives(List<Receiver> receivers, int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            receivers.add(new Receiver());
        }
        AtomicInteger next = new AtomicInteger();
        return new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel child) {
                        child.pipeline().addLast(receivers.get(next.getAndIncrement()));
                    }
                }).bind(LOOPBACK).sync().channel();
    }

    /** Collects what a child channel reads until it is closed; can stop asking for reads. */
    private static final class Receiver extends ChannelInboundHandlerAdapter {
        final CompletableFuture<byte[]> bytes = new CompletableFuture<>();
        private final ByteArrayOutputStream all = new ByteArrayOutputStream();
        private volatile boolean paused;
        private volatile ChannelHandlerContext context;

        void pause() {
            paused = true;
        }

        void resume() {
            paused = false;
            ChannelHandlerContext ctx = context;
            if (ctx != null) {
                ctx.channel().eventLoop().execute(ctx::read);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            context = ctx;
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            byte[] chunk = new byte[buf.readableBytes()];
            buf.readBytes(chunk);
            buf.release();
            all.writeBytes(chunk);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!paused) {
                ctx.read();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            bytes.complete(all.toByteArray());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset when the sender closes mid-region
        }
    }

    /** Counts direct buffers of a file-chunk's size: what copying a region allocates. */
    private static final class CountingAllocator extends AbstractByteBufAllocator {
        final AtomicInteger large = new AtomicInteger();

        CountingAllocator() {
            super(true);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            if (initialCapacity >= 32 * 1024) {
                large.incrementAndGet();
            }
            return new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
        }
    }

    /** A FileRegion that is not a DefaultFileRegion: its bytes are known only through transferTo. */
    private record Wrapped(FileRegion region) implements FileRegion {
        @Override
        public long position() {
            return region.position();
        }

        @Override
        @Deprecated
        public long transfered() {
            return region.transferred();
        }

        @Override
        public long transferred() {
            return region.transferred();
        }

        @Override
        public long count() {
            return region.count();
        }

        @Override
        public long transferTo(WritableByteChannel target, long position) throws IOException {
            return region.transferTo(target, position);
        }

        @Override
        public FileRegion retain() {
            region.retain();
            return this;
        }

        @Override
        public FileRegion retain(int increment) {
            region.retain(increment);
            return this;
        }

        @Override
        public FileRegion touch() {
            region.touch();
            return this;
        }

        @Override
        public FileRegion touch(Object hint) {
            region.touch(hint);
            return this;
        }

        @Override
        public int refCnt() {
            return region.refCnt();
        }

        @Override
        public boolean release() {
            return region.release();
        }

        @Override
        public boolean release(int decrement) {
            return region.release(decrement);
        }
    }

    /** Open pipes, and open descriptors of the test's file: what a send-file opens. */
    private int pipesAndFiles() throws IOException {
        int count = 0;
        String target = file.toRealPath().toString();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path entry : entries) {
                try {
                    String link = Files.readSymbolicLink(entry).toString();
                    if (link.startsWith("pipe:") || link.equals(target)) {
                        count++;
                    }
                } catch (IOException vanished) {
                    // closed while we looked
                }
            }
        }
        return count;
    }
}
