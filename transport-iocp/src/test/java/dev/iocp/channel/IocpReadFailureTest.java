package dev.iocp.channel;

import dev.iocp.channel.faults.LoopLog;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A read that fails in the channel's own code (the RecvByteBufAllocator's {@code allocate()}
 * throws) does not wedge the channel or the loop, and is handled as NIO handles it
 * ({@code AbstractNioByteChannel.NioByteUnsafe.handleReadException}, Netty 4.2): the batch ends
 * with channelReadComplete, then exceptionCaught, and the channel is closed for an
 * OutOfMemoryError or an IOException (with half-closure: input shut down), but stays open and
 * keeps reading for other exceptions. Also: channelReadComplete follows a channelRead whose
 * handler closed the channel, as in NIO's read loop.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpReadFailureTest {
    private MultiThreadIoEventLoopGroup group;
    private LoopLog log;

    @BeforeEach
    void setUp() {
        FaultTestSupport.assumeReady();
        group = FaultTestSupport.group(2);
        log = LoopLog.capture();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (log != null) {
            log.close();
        }
        FaultTestSupport.shutdown(group);
    }

    /** An allocator whose handle's n-th {@code allocate()} throws. */
    @SuppressWarnings("deprecation") // RecvByteBufAllocator.Handle: what the channels call
    private static final class FailingRecvAllocator implements RecvByteBufAllocator {
        private final RecvByteBufAllocator delegate = new AdaptiveRecvByteBufAllocator();
        private final int failingCall;
        private final Supplier<Throwable> failure;
        final AtomicInteger thrown = new AtomicInteger();
        volatile Throwable lastThrown;

        FailingRecvAllocator(int failingCall, Supplier<Throwable> failure) {
            this.failingCall = failingCall;
            this.failure = failure;
        }

        @Override
        public Handle newHandle() {
            return new DelegatingHandle(delegate.newHandle()) {
                private int calls;

                @Override
                public ByteBuf allocate(ByteBufAllocator alloc) {
                    if (++calls == failingCall) {
                        thrown.incrementAndGet();
                        Throwable t = failure.get(); // made here, so its stack shows who called allocate()
                        lastThrown = t;
                        throw sneaky(t);
                    }
                    return super.allocate(alloc);
                }
            };
        }

        @SuppressWarnings("unchecked")
        private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
            throw (T) t;
        }
    }

    /** Echoes, and records the events of its channel; never closes on its own. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final Queue<Object> events = new ConcurrentLinkedQueue<>();
        final Queue<Throwable> exceptions = new ConcurrentLinkedQueue<>();
        volatile Channel channel;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            events.add("active");
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            events.add("read");
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            events.add("readComplete");
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            events.add("exception");
            exceptions.add(cause);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt.getClass().getSimpleName());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            events.add("inactive");
        }
    }

    /** The local port of the client whose server-side channel is the victim. */
    private volatile int victimPort;

    /**
     * A server whose child for the client on {@link #victimPort} reads through
     * {@code victimAllocator} (and reports to {@code victim}); the other children echo normally.
     * (Children initialize on their own loops, so arrival order does not tell which is which.)
     */
    private Channel server(RecvByteBufAllocator victimAllocator, Recorder victim, List<Recorder> others) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        InetSocketAddress peer = (InetSocketAddress) ch.remoteAddress();
                        if (peer != null && peer.getPort() == victimPort) {
                            ch.config().setRecvByteBufAllocator(victimAllocator);
                            ch.pipeline().addLast(victim);
                        } else {
                            Recorder other = new Recorder();
                            others.add(other);
                            ch.pipeline().addLast(other);
                        }
                    }
                }).bind(FaultTestSupport.LOOPBACK).sync().channel();
    }

    /** Sends one message and reads its echo; false at EOF or reset. */
    private static boolean roundTrip(Socket socket, byte value) throws IOException {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write(value);
        out.flush();
        try {
            int got = in.read();
            if (got < 0) {
                return false;
            }
            assertEquals(value & 0xff, got, "echoed byte");
            return true;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no echo of message " + value + " within the socket timeout", e);
        } catch (IOException reset) {
            return false;
        }
    }

    private static void await(Supplier<Boolean> condition, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!condition.get() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /** Opens {@code n} more clients; the children alternate between the two loops. */
    private static List<Socket> connectOthers(InetSocketAddress address, int n) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket socket = new Socket();
            socket.connect(address, 5_000);
            socket.setSoTimeout(5_000);
            sockets.add(socket);
        }
        return sockets;
    }

    private static void assertOthersStillEcho(List<Socket> others, List<Recorder> recorders, Recorder victim) throws IOException {
        boolean sharedLoop = false;
        for (Recorder recorder : recorders) {
            sharedLoop |= recorder.channel != null && recorder.channel.eventLoop() == victim.channel.eventLoop();
        }
        assertTrue(sharedLoop, "no other child on the failing channel's loop");
        for (int i = 0; i < others.size(); i++) {
            assertTrue(roundTrip(others.get(i), (byte) (40 + i)), "another channel stopped echoing");
        }
    }

    @Test
    void anOutOfMemoryErrorFromTheAllocatorClosesTheChannelAsNioDoes() throws Exception {
        FailingRecvAllocator allocator = new FailingRecvAllocator(3,
                () -> new OutOfMemoryError("simulated: failed to allocate a receive buffer"));
        Recorder victim = new Recorder();
        List<Recorder> recorders = new CopyOnWriteArrayList<>();
        Channel server = server(allocator, victim, recorders);
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        try (Socket client = new Socket()) {
            client.bind(new InetSocketAddress(address.getAddress(), 0));
            victimPort = client.getLocalPort();
            client.connect(address, 5_000);
            client.setSoTimeout(5_000);
            List<Socket> others = connectOthers(address, 4);
            await(() -> victim.channel != null && recorders.size() == 4, 5_000);
            int echoed = 0;
            while (echoed < 6 && roundTrip(client, (byte) (1 + echoed))) {
                echoed++;
            }
            await(() -> !victim.exceptions.isEmpty() && !victim.channel.isOpen(), 5_000);
            assertEquals(1, allocator.thrown.get(), "allocate() calls that threw");
            assertTrue(echoed < 6, () -> "the channel kept echoing after allocate() threw: " + victim.events);
            assertEquals(List.of(allocator.lastThrown), List.copyOf(victim.exceptions), () -> "exceptionCaught: " + victim.events);
            assertFalse(victim.channel.isOpen(), () -> "the channel is open after an OutOfMemoryError on read: " + victim.events);
            List<Object> events = List.copyOf(victim.events);
            int exception = events.indexOf("exception");
            assertEquals("readComplete", events.get(exception - 1), () -> "before exceptionCaught: " + events);
            assertOthersStillEcho(others, recorders, victim);
            for (Socket other : others) {
                other.close();
            }
        }
        assertEquals(List.of(), log.escapes(), "exceptions that reached an event loop");
        server.close().sync();
    }

    @Test
    void aRuntimeExceptionFromTheAllocatorIsReportedAndTheChannelKeepsReading() throws Exception {
        FailingRecvAllocator allocator = new FailingRecvAllocator(3, () -> new IllegalStateException("simulated: allocate() failed"));
        Recorder victim = new Recorder();
        List<Recorder> recorders = new CopyOnWriteArrayList<>();
        Channel server = server(allocator, victim, recorders);
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        try (Socket client = new Socket()) {
            client.bind(new InetSocketAddress(address.getAddress(), 0));
            victimPort = client.getLocalPort();
            client.connect(address, 5_000);
            client.setSoTimeout(5_000);
            List<Socket> others = connectOthers(address, 4);
            await(() -> victim.channel != null && recorders.size() == 4, 5_000);
            for (int i = 0; i < 6; i++) {
                assertTrue(roundTrip(client, (byte) (1 + i)), "the channel closed after message " + (i + 1) + ": " + victim.events);
            }
            assertEquals(1, allocator.thrown.get(), "allocate() calls that threw");
            assertEquals(List.of(allocator.lastThrown), List.copyOf(victim.exceptions), () -> "exceptionCaught: " + victim.events);
            assertTrue(victim.channel.isOpen(), "NIO keeps the channel open after a RuntimeException on read");
            List<Object> events = List.copyOf(victim.events);
            int exception = events.indexOf("exception");
            assertEquals("readComplete", events.get(exception - 1), () -> "before exceptionCaught: " + events);
            assertOthersStillEcho(others, recorders, victim);
            for (Socket other : others) {
                other.close();
            }
        }
        assertEquals(List.of(), log.escapes(), "exceptions that reached an event loop");
        server.close().sync();
    }

    @Test
    @SuppressWarnings("deprecation") // RCVBUF_ALLOCATOR
    void channelReadCompleteFollowsAChannelReadThatClosedTheChannel() throws Exception {
        Queue<List<String>> histories = new ConcurrentLinkedQueue<>();
        AtomicInteger inactive = new AtomicInteger();
        Channel server = new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                // Small buffers, and reading only once the peer's data is all queued: the first
                // read fills its buffer with more waiting, so the batch would go on.
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(64).maxMessagesPerRead(16))
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        List<String> history = new CopyOnWriteArrayList<>();
                        histories.add(history);
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                ctx.executor().schedule(() -> ctx.channel().config().setAutoRead(true), 100, TimeUnit.MILLISECONDS);
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                history.add("read");
                                ((ByteBuf) msg).release();
                                if (history.indexOf("read") == history.size() - 1) {
                                    ctx.close();
                                }
                            }

                            @Override
                            public void channelReadComplete(ChannelHandlerContext ctx) {
                                history.add("readComplete");
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                history.add("inactive");
                                inactive.incrementAndGet();
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                history.add("exception " + cause);
                            }
                        });
                    }
                }).bind(FaultTestSupport.LOOPBACK).sync().channel();
        int connections = 5;
        for (int i = 0; i < connections; i++) {
            try (Socket client = new Socket()) {
                client.connect(server.localAddress(), 5_000);
                client.setSoTimeout(5_000);
                client.getOutputStream().write(new byte[64 * 1024]);
                assertEquals(-1, readUntilEnd(client.getInputStream()), "the server did not close");
            } catch (IOException reset) {
                // the server closed with unread data: a reset, also fine
            }
        }
        int expected = connections;
        await(() -> inactive.get() >= expected, 5_000);
        for (List<String> history : histories) {
            int read = history.indexOf("read");
            int readComplete = history.indexOf("readComplete");
            int gone = history.indexOf("inactive");
            assertTrue(read >= 0 && readComplete > read, () -> "no channelReadComplete after the channelRead that closed: " + history);
            assertTrue(gone > readComplete, () -> "channelInactive before channelReadComplete: " + history);
        }
        assertEquals(List.of(), log.escapes(), "exceptions that reached an event loop");
        server.close().sync();
    }

    private static int readUntilEnd(InputStream in) throws IOException {
        byte[] sink = new byte[1024];
        int n;
        while ((n = in.read(sink)) > 0) {
            // discard
        }
        return n;
    }
}
