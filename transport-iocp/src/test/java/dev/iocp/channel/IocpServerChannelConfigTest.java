package dev.iocp.channel;

import dev.iocp.channel.faults.ChannelTracker;
import dev.iocp.channel.faults.EchoHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server channel's read configuration, as {@code NioServerSocketChannel} has it: a
 * {@link ServerChannelRecvByteBufAllocator} (which counts accepted children, not bytes, so a
 * batch can accept several), batches bounded by maxMessagesPerRead that end with one
 * channelReadComplete, and no accepting while auto-read is off.
 *
 * <p>With auto-read off, Netty's allocators stop a batch after one message
 * ({@code continueReading()} requires auto-read), so a {@code read()} accepts one child in NIO;
 * batching shows with auto-read on.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpServerChannelConfigTest {
    private MultiThreadIoEventLoopGroup group;
    private final List<Socket> clients = new ArrayList<>();

    @BeforeEach
    void setUp() {
        FaultTestSupport.assumeReady();
        group = FaultTestSupport.group(2);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Socket client : clients) {
            client.close();
        }
        FaultTestSupport.shutdown(group);
    }

    /** Records the server channel's reads (accepted children) and read completions. */
    @ChannelHandler.Sharable
    private static final class Batches extends ChannelInboundHandlerAdapter {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            events.add("read");
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            events.add("readComplete");
            ctx.fireChannelReadComplete();
        }

        long reads() {
            return events.stream().filter("read"::equals).count();
        }

        /** Children per batch, for the batches that ended. */
        List<Integer> batchSizes() {
            List<Integer> sizes = new ArrayList<>();
            int reads = 0;
            for (String event : events) {
                if (event.equals("read")) {
                    reads++;
                } else {
                    sizes.add(reads);
                    reads = 0;
                }
            }
            return sizes;
        }
    }

    private static boolean await(BooleanSupplier condition, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return condition.getAsBoolean();
    }

    private void connect(InetSocketAddress address, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            Socket socket = new Socket();
            clients.add(socket);
            socket.connect(address, 5_000);
        }
    }

    @Test
    void theServerChannelUsesAServerChannelRecvByteBufAllocator() throws Exception {
        Channel server = FaultTestSupport.echoServer(group, new ChannelTracker(), new EchoHandler.Ledger());
        assertInstanceOf(ServerChannelRecvByteBufAllocator.class, server.config().getRecvByteBufAllocator());
        server.close().sync();
    }

    @Test
    @SuppressWarnings("deprecation") // MAX_MESSAGES_PER_READ: set on whichever allocator the channel has
    void queuedConnectionsAreAcceptedInBatchesOfAtMostMaxMessagesPerRead() throws Exception {
        Batches batches = new Batches();
        ChannelTracker tracker = new ChannelTracker();
        Channel server = FaultTestSupport.echoServer(group, tracker, new EchoHandler.Ledger(), b -> b
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.MAX_MESSAGES_PER_READ, 4)
                .handler(batches));
        connect((InetSocketAddress) server.localAddress(), 8); // all queued in the kernel
        server.config().setAutoRead(true);
        assertTrue(await(() -> batches.reads() == 8, 5_000), () -> "accepted: " + batches.events);
        // The last batch must end, with no further connection coming to end it.
        assertTrue(await(() -> batches.events.getLast().equals("readComplete"), 5_000),
                () -> "no channelReadComplete after the last accepted child: " + batches.events);
        List<Integer> sizes = batches.batchSizes();
        assertTrue(sizes.stream().allMatch(n -> n <= 4), () -> "a batch exceeded maxMessagesPerRead (4): " + sizes);
        if (Iocp.backendName().equals("io_uring")) {
            assertTrue(sizes.stream().anyMatch(n -> n > 1), () -> "every batch accepted a single child: " + sizes);
        }
        server.close().sync();
    }

    @Test
    @SuppressWarnings("deprecation") // getMaxMessagesPerRead
    void aReadWithAutoReadOffAcceptsOneBatchAndThenNoMore() throws Exception {
        Batches batches = new Batches();
        ChannelTracker tracker = new ChannelTracker();
        Channel server = FaultTestSupport.echoServer(group, tracker, new EchoHandler.Ledger(), b -> b
                .option(ChannelOption.AUTO_READ, false)
                .handler(batches));
        connect((InetSocketAddress) server.localAddress(), 8);
        server.read();
        assertTrue(await(() -> batches.events.contains("readComplete"), 5_000), () -> "read() accepted nothing: " + batches.events);
        Thread.sleep(300); // a negative check: nothing more may come
        long first = batches.reads();
        int max = server.config().getMaxMessagesPerRead();
        assertTrue(first >= 1 && first <= max, () -> "one read() accepted " + first + " (maxMessagesPerRead " + max + ")");
        assertEquals(List.of((int) first), batches.batchSizes(), () -> "batches after one read(): " + batches.events);
        server.read();
        assertTrue(await(() -> batches.reads() > first, 5_000), "a second read() accepted nothing");
        server.close().sync();
    }

    @Test
    void noConnectionIsAcceptedWhileAutoReadIsOff() throws Exception {
        ChannelTracker tracker = new ChannelTracker();
        Channel server = FaultTestSupport.echoServer(group, tracker, new EchoHandler.Ledger());
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        connect(address, 1);
        assertTrue(await(() -> tracker.opened() == 1, 5_000), "the first connection was not accepted");
        server.eventLoop().submit(() -> server.config().setAutoRead(false)).sync();
        server.eventLoop().submit(() -> { }).sync(); // whatever setAutoRead(false) started has run
        connect(address, 1);
        Thread.sleep(300); // a negative check: it must not be accepted
        assertEquals(1, tracker.opened(), "accepted while auto-read was off");
        server.read();
        assertTrue(await(() -> tracker.opened() == 2, 5_000), "read() did not accept the waiting connection");
        server.close().sync();
    }
}
