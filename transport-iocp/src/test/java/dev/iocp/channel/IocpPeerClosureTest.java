package dev.iocp.channel;

import dev.iocp.channel.faults.FaultInjector;
import dev.iocp.channel.faults.TestData;
import dev.iocp.port.Operation;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A peer that closes or resets a connection whose channel reads nothing (auto-read off, no
 * {@code read()}): where the port {@linkplain dev.iocp.port.CompletionPort#watchesPeerClosure
 * watches} (io_uring), the channel notices, as epoll does with its always-armed EPOLLRDHUP, reads
 * every byte that came before the FIN, then reports the end (half-closure events, or a close) or
 * the reset (exceptionCaught and a close). On nio, which cannot watch, the end waits for a read
 * (as with Netty's NIO transport), and what a read delivers is the same. Either way no watch is
 * armed where it is not needed, and none is left behind.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpPeerClosureTest {
    private static final Object INPUT_SHUTDOWN = "input shutdown";
    private static final Object ALL_READ = "all data read";
    private static final Object INACTIVE = "inactive";

    private static FaultInjector injector;
    private static MultiThreadIoEventLoopGroup group;

    @BeforeAll
    static void setUp() {
        FaultTestSupport.assumeReady();
        injector = new FaultInjector(); // no rules: it only counts
        group = FaultTestSupport.group(1, injector);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        FaultTestSupport.shutdown(group);
    }

    // ---- io_uring: noticed without a read ------------------------------------------------------

    @ParameterizedTest(name = "{0} bytes, half-closure {1}")
    @CsvSource({"0, true", "1, true", "100, true", "60000, true", "0, false", "1, false", "60000, false"})
    void thePeersFinIsNoticedWithoutAnyReadAfterEveryByteBeforeIt(int size, boolean halfClosure) throws Exception {
        assumeTrue(portWatches(), "the port cannot watch for the peer's closure");
        Recorder child = new Recorder(false);
        Channel server = server(child, false, halfClosure);
        byte[] sent = TestData.bytes(size, 0, size);
        try (Socket peer = connect(server)) {
            peer.getOutputStream().write(sent);
            peer.shutdownOutput();
            if (halfClosure) {
                assertEquals(INPUT_SHUTDOWN, child.nextEvent());
                assertEquals(ALL_READ, child.nextEvent());
                child.channel().close();
            }
            assertEquals(INACTIVE, child.nextEvent());
        } finally {
            server.close().sync();
        }
        assertArrayEquals(sent, child.bytes(), "every byte before the FIN, in order");
    }

    @ParameterizedTest(name = "half-closure {0}")
    @CsvSource({"true", "false"})
    void aResetIsNoticedWithoutAnyReadAndClosesTheChannel(boolean halfClosure) throws Exception {
        assumeTrue(portWatches(), "the port cannot watch for the peer's closure");
        Recorder child = new Recorder(false);
        Channel server = server(child, false, halfClosure);
        byte[] sent = TestData.bytes(7, 0, 1000);
        try (Socket peer = connect(server)) {
            peer.getOutputStream().write(sent);
            peer.setSoLinger(true, 0); // closing it sends RST
        }
        try {
            Object first = child.nextEvent();
            assertInstanceOf(IOException.class, first, () -> "the reset is reported: " + first);
            if (halfClosure) {
                // As epoll: the input cannot be shut down on a reset connection, so it closes.
                assertEquals(INPUT_SHUTDOWN, child.nextEvent());
            }
            assertEquals(INACTIVE, child.nextEvent());
        } finally {
            server.close().sync();
        }
        byte[] got = child.bytes();
        assertTrue(got.length <= sent.length, "no more than was sent");
        assertArrayEquals(java.util.Arrays.copyOf(sent, got.length), got, "what was read is what was sent");
    }

    /**
     * The channel reads once; the data that arrives after that is held for a next read() that
     * never comes, which stops the stream receive; the FIN after it is still noticed, and the held
     * data is delivered before the end.
     */
    @Test
    void inputHeldForANextReadIsDeliveredBeforeTheEndWhenThePeerClosesAfterIt() throws Exception {
        assumeTrue(portWatches(), "the port cannot watch for the peer's closure");
        Recorder child = new Recorder(false) {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.read(); // one read, for the first message
                super.channelActive(ctx);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                super.channelRead(ctx, msg);
                if (bytes().length == 3) {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {42})); // and no read()
                }
            }
        };
        long watchesBefore = injector.submitted(Operation.PEER_CLOSED);
        Channel server = server(child, false, false);
        try (Socket peer = connect(server)) {
            OutputStream out = peer.getOutputStream();
            out.write(new byte[] {1, 2, 3});
            assertEquals(42, peer.getInputStream().read(), "the first message was read");
            out.write(new byte[] {4, 5, 6, 7});
            // The FIN only once the second message has stopped the stream receive and the watch
            // is armed in its place (a FIN the stream itself still sees takes another path).
            awaitSubmitted(Operation.PEER_CLOSED, watchesBefore + 1);
            peer.shutdownOutput();
            assertEquals(INACTIVE, child.nextEvent());
        } finally {
            server.close().sync();
        }
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7}, child.bytes());
    }

    /**
     * Shutting down its own input fires the watch too (the kernel reports POLLRDHUP for it); as
     * epoll, a channel without half-closure then reads nothing and stays open.
     */
    @Test
    void shuttingDownItsOwnInputWithoutHalfClosureNeitherReadsNorCloses() throws Exception {
        assumeTrue(portWatches(), "the port cannot watch for the peer's closure");
        long watchesBefore = injector.submitted(Operation.PEER_CLOSED);
        long watchesCompletedBefore = injector.completed(Operation.PEER_CLOSED);
        Recorder child = new Recorder(false);
        Channel server = server(child, false, false);
        try (Socket peer = connect(server)) {
            IocpSocketChannel accepted = (IocpSocketChannel) child.channel();
            awaitSubmitted(Operation.PEER_CLOSED, watchesBefore + 1);
            long receivesBefore = injector.submitted(Operation.RECEIVE);
            accepted.shutdownInput().sync();
            awaitCompleted(Operation.PEER_CLOSED, watchesCompletedBefore + 1);
            accepted.eventLoop().submit(() -> { }).get(10, TimeUnit.SECONDS); // after the watch was handled
            assertTrue(accepted.isOpen(), "still open");
            assertEquals(receivesBefore, injector.submitted(Operation.RECEIVE), "nothing was read");
            accepted.close().sync();
            assertEquals(INACTIVE, child.nextEvent());
        } finally {
            server.close().sync();
        }
    }

    // ---- every backend -----------------------------------------------------------------------------

    /** The same exchange as Netty's half-closure test, reading on from channelReadComplete: on every backend. */
    @ParameterizedTest(name = "half-closure {0}")
    @CsvSource({"true", "false"})
    void aChannelThatReadsOnGetsEveryByteAndThenTheEnd(boolean halfClosure) throws Exception {
        Recorder child = new Recorder(true);
        Channel server = server(child, false, halfClosure);
        byte[] sent = TestData.bytes(11, 0, 5000);
        try (Socket peer = connect(server)) {
            peer.getOutputStream().write(sent);
            peer.shutdownOutput();
            if (halfClosure) {
                assertEquals(INPUT_SHUTDOWN, child.nextEvent());
                assertEquals(ALL_READ, child.nextEvent());
                child.channel().close();
            }
            assertEquals(INACTIVE, child.nextEvent());
        } finally {
            server.close().sync();
        }
        assertArrayEquals(sent, child.bytes());
    }

    @Test
    void aChannelWithAutoReadOnArmsNoWatch() throws Exception {
        long before = injector.submitted(Operation.PEER_CLOSED);
        Recorder child = new Recorder(false);
        Channel server = server(child, true, false);
        try (Socket peer = connect(server)) {
            peer.getOutputStream().write(new byte[] {1, 2});
            peer.shutdownOutput();
            assertEquals(INACTIVE, child.nextEvent());
        } finally {
            server.close().sync();
        }
        assertArrayEquals(new byte[] {1, 2}, child.bytes());
        assertEquals(before, injector.submitted(Operation.PEER_CLOSED), "its stream receive sees the end");
    }

    /**
     * A channel that reads nothing arms one watch where the port can watch, none where it cannot;
     * closed with it armed, it leaves no operation behind: the watch completes (cancelled) and
     * the port has nothing in flight.
     */
    @Test
    void aChannelClosedWithItsWatchArmedLeavesNoOperationBehind() throws Exception {
        boolean watches = portWatches();
        long submittedBefore = injector.submitted(Operation.PEER_CLOSED);
        long completedBefore = injector.completed(Operation.PEER_CLOSED);
        Recorder child = new Recorder(false);
        Channel server = server(child, false, false);
        try (Socket peer = connect(server)) {
            Channel accepted = child.active.get(10, TimeUnit.SECONDS);
            // Once the channel is active its watch is submitted, on its loop: a task after it sees it.
            accepted.eventLoop().submit(() -> { }).get(10, TimeUnit.SECONDS);
            assertEquals(watches ? 1 : 0, injector.submitted(Operation.PEER_CLOSED) - submittedBefore);
            accepted.close().sync();
            assertEquals(INACTIVE, child.nextEvent());
            assertEquals(-1, peer.getInputStream().read(), "the peer sees the close");
        } finally {
            server.close().sync();
        }
        assertEquals(watches ? 1 : 0, injector.completed(Operation.PEER_CLOSED) - completedBefore,
                "the watch completed");
        assertEquals(0, pendingOperations(), "nothing left in flight on the port");
    }

    @Test
    void aDeregisteredChannelsWatchIsCancelledAndItsCloseLeavesNothingBehind() throws Exception {
        boolean watches = portWatches();
        long completedBefore = injector.completed(Operation.PEER_CLOSED);
        Recorder child = new Recorder(false);
        Channel server = server(child, false, false);
        try (Socket peer = connect(server)) {
            Channel accepted = child.active.get(10, TimeUnit.SECONDS);
            accepted.eventLoop().submit(() -> { }).get(10, TimeUnit.SECONDS); // its watch is armed
            accepted.deregister().sync();
            accepted.close().sync();
            assertEquals(-1, peer.getInputStream().read(), "the peer sees the close");
        } finally {
            server.close().sync();
        }
        assertEquals(watches ? 1 : 0, injector.completed(Operation.PEER_CLOSED) - completedBefore,
                "the watch completed");
        assertEquals(0, pendingOperations(), "nothing left in flight on the port");
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static boolean portWatches() throws Exception {
        return group.next().submit(() -> injector.portOf(Thread.currentThread()).watchesPeerClosure())
                .get(10, TimeUnit.SECONDS);
    }

    private static void awaitSubmitted(Operation operation, long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (injector.submitted(operation) < count) {
            assertTrue(System.nanoTime() < deadline, () -> operation + " submissions: " + injector.submitted(operation)
                    + ", expected " + count);
            Thread.sleep(1);
        }
    }

    private static void awaitCompleted(Operation operation, long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (injector.completed(operation) < count) {
            assertTrue(System.nanoTime() < deadline, () -> operation + " completions: " + injector.completed(operation)
                    + ", expected " + count);
            Thread.sleep(1);
        }
    }

    /** The loop's operations in flight, read on the loop (closes finish there first). */
    private static int pendingOperations() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int pending;
        do {
            pending = group.next().submit(() -> injector.portOf(Thread.currentThread()).pendingOperations())
                    .get(10, TimeUnit.SECONDS);
        } while (pending != 0 && System.nanoTime() < deadline);
        return pending;
    }

    private static Channel server(Recorder child, boolean autoRead, boolean halfClosure) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, autoRead)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, halfClosure)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(child);
                    }
                }).bind(FaultTestSupport.LOOPBACK).sync().channel();
    }

    private static Socket connect(Channel server) throws IOException {
        Socket peer = new Socket();
        peer.connect(server.localAddress(), 5_000);
        peer.setSoTimeout(10_000);
        return peer;
    }

    /**
     * Records one child channel: the bytes it reads (in order), and its input-shutdown events,
     * exceptions and inactivity in the order they came. With {@code readOn} it calls read() from
     * channelActive and from each channelReadComplete, as Netty's half-closure test does.
     */
    private static class Recorder extends ChannelInboundHandlerAdapter {
        private final boolean readOn;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
        final CompletableFuture<Channel> active = new CompletableFuture<>();

        Recorder(boolean readOn) {
            this.readOn = readOn;
        }

        @Override
        public boolean isSharable() {
            return true; // one connection per test
        }

        Channel channel() throws InterruptedException, ExecutionException, TimeoutException {
            return active.get(10, TimeUnit.SECONDS);
        }

        synchronized byte[] bytes() {
            return bytes.toByteArray();
        }

        Object nextEvent() throws InterruptedException {
            Object event = events.poll(20, TimeUnit.SECONDS);
            assertNotNull(event, "no event came; read so far: " + bytes().length + " bytes");
            return event;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active.complete(ctx.channel());
            if (readOn) {
                ctx.read();
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                synchronized (this) {
                    buf.readBytes(bytes, buf.readableBytes());
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (readOn) {
                ctx.read();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownEvent.INSTANCE) {
                events.add(INPUT_SHUTDOWN);
            } else if (evt == ChannelInputShutdownReadComplete.INSTANCE) {
                events.add(ALL_READ);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            events.add(cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            events.add(INACTIVE);
        }
    }
}
