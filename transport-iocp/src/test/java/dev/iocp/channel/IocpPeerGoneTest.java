package dev.iocp.channel;

import dev.iocp.channel.faults.Descriptors;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Peers that leave a request-response connection (an HTTP keep-alive client that crashes or
 * gives up, say) at the moments a multishot receive and a send in flight got wrong: part of a
 * request and a reset both in before the server reads; a request and a reset arriving together
 * while the server's receive waits; requests and the end of input arriving together. The
 * server's children answer each complete line, flush once per read batch and close on any
 * exception, as servers do. Every child must close, its input ended by the reset or the end of
 * input; what it flushed before it saw the end must be sent (or, after a reset, fail with the
 * reset), as with NIO, not fail with the close that the end brings; and nothing may leak (the
 * leak detector is at PARANOID).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpPeerGoneTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    private MultiThreadIoEventLoopGroup group;
    private Channel server;
    private final BlockingQueue<Channel> children = new LinkedBlockingQueue<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<Throwable> exceptions = new CopyOnWriteArrayList<>();
    private final List<ChannelFuture> answers = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();

    @BeforeEach
    void setUp() {
        FaultTestSupport.assumeReady();
        group = FaultTestSupport.group(1);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (server != null) {
            server.close().sync();
        }
        FaultTestSupport.shutdown(group);
    }

    /** Answers each line with "ok"; says "hi" first when {@code greet}; closes on any exception. */
    private final class LineResponder extends ChannelInboundHandlerAdapter {
        private final boolean greet;

        LineResponder(boolean greet) {
            this.greet = greet;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            children.add(ctx.channel());
            if (greet) {
                ctx.writeAndFlush(ascii("hi\n"));
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                partial.append(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
            } finally {
                ReferenceCountUtil.release(msg);
            }
            for (int end; (end = partial.indexOf("\n")) >= 0; partial.delete(0, end + 1)) {
                lines.add(partial.substring(0, end));
                answers.add(ctx.write(ascii("ok\n")));
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            if (!ctx.channel().config().isAutoRead()) {
                ctx.read(); // as a server without auto-read asks for more
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            exceptions.add(cause);
            ctx.close();
        }
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private InetSocketAddress start(boolean autoRead, boolean greet) throws InterruptedException {
        return start(autoRead, greet, null);
    }

    /** A server whose children read with {@code reads} (null: the default allocator). */
    private InetSocketAddress start(boolean autoRead, boolean greet, RecvByteBufAllocator reads)
            throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap();
        if (reads != null) {
            bootstrap.childOption(ChannelOption.RCVBUF_ALLOCATOR, reads);
        }
        server = bootstrap.group(group).channel(IocpServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, autoRead)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LineResponder(greet));
                    }
                })
                .bind(FaultTestSupport.LOOPBACK).sync().channel();
        return (InetSocketAddress) server.localAddress();
    }

    /** Resets the connection and waits until the server's end of it has taken the reset. */
    private static void resetAndAwaitItsArrival(Socket client, int serverPort) throws Exception {
        int clientPort = client.getLocalPort();
        assertEquals("ESTABLISHED", Descriptors.tcpState(serverPort, clientPort), "the server's end before the reset");
        client.setSoLinger(true, 0);
        client.close();
        awaitServerEnd(serverPort, clientPort, null); // reset: CLOSE, which leaves the tables
    }

    /** Waits until the server's end of the connection is in {@code state} (null: gone from the tables). */
    private static void awaitServerEnd(int serverPort, int clientPort, String state) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!Objects.equals(Descriptors.tcpState(serverPort, clientPort), state)) {
            if (System.nanoTime() > deadline) {
                fail("the server's end of the connection is " + Descriptors.tcpState(serverPort, clientPort)
                        + ", never " + state);
            }
            Thread.sleep(1);
        }
    }

    /** Has the child's event loop run nothing else until {@code release} is counted down. */
    private static void occupy(Channel child, CountDownLatch release) throws InterruptedException {
        CountDownLatch busy = new CountDownLatch(1);
        child.eventLoop().execute(() -> {
            busy.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(busy.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS), "the loop never ran the task");
    }

    /** Connects and reads the child's greeting: it went to the kernel with the child's receive, which waits there. */
    private Channel connectAndAwaitGreeting(Socket client, InetSocketAddress address) throws Exception {
        client.connect(address, 5_000);
        client.setSoTimeout((int) LIMIT.toMillis());
        assertEquals("hi\n", new String(client.getInputStream().readNBytes(3), StandardCharsets.US_ASCII));
        Channel child = children.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(child, "no child");
        return child;
    }

    private static boolean isReset(Throwable cause) {
        return cause instanceof IOException && !(cause instanceof ClosedChannelException);
    }

    /**
     * A client sends part of a request and resets, both before the child reads (auto-read is
     * off, so its receive is armed only by the read() that follows): the child gets the bytes,
     * then the reset, and closes. The partial request gets no answer, so only the receive can
     * tell that the peer is gone.
     */
    @Test
    void aPartialRequestAndAResetInBeforeTheChildReadsEndItsInputAndCloseIt() throws Exception {
        InetSocketAddress address = start(false, false);
        Channel child;
        try (Socket client = new Socket()) {
            client.connect(address, 5_000);
            child = children.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(child, "no child");
            client.getOutputStream().write("GE".getBytes(StandardCharsets.US_ASCII));
            resetAndAwaitItsArrival(client, address.getPort());
        }
        child.read();
        assertTrue(child.closeFuture().await(LIMIT.toMillis()), "the child never saw the reset: still open");
        assertEquals("GE", child.eventLoop().submit(partial::toString).get(), "the bytes before the reset");
        assertEquals(List.of(), lines);
        assertEquals(1, exceptions.size(), exceptions::toString);
        assertTrue(isReset(exceptions.getFirst()), () -> "the reset, not " + exceptions.getFirst());
    }

    /**
     * The child's receive waits in the kernel; a request and a reset arrive together (the event
     * loop is busy meanwhile, so both are in before it reads). The child reads the request and
     * answers it, so a send is in flight when it learns of the reset: the answer fails with the
     * reset, as NIO's write would, not with a ClosedChannelException from the close that the
     * reset brings, and only resets reach the end of the pipeline.
     */
    @Test
    void aRequestAndAResetTogetherFailTheAnswerWithTheResetNotWithTheClose() throws Exception {
        InetSocketAddress address = start(true, true);
        Channel child;
        try (Socket client = new Socket()) {
            child = connectAndAwaitGreeting(client, address);
            CountDownLatch release = new CountDownLatch(1);
            occupy(child, release);
            try {
                client.getOutputStream().write("req\n".getBytes(StandardCharsets.US_ASCII));
                resetAndAwaitItsArrival(client, address.getPort());
            } finally {
                release.countDown();
            }
        }
        assertTrue(child.closeFuture().await(LIMIT.toMillis()), "the child never saw the reset: still open");
        assertEquals(List.of("req"), lines);
        ChannelFuture answer = answers.getFirst();
        assertTrue(answer.await(LIMIT.toMillis()), "the answer's promise never completed");
        assertFalse(answer.isSuccess(), "the answer went to a reset connection: it must fail");
        assertTrue(isReset(answer.cause()), () -> "the answer failed with the reset, not with the close: "
                + answer.cause());
        assertTrue(exceptions.stream().allMatch(IocpPeerGoneTest::isReset),
                () -> "only resets reach the end of the pipeline: " + exceptions);
    }

    /**
     * Requests and the end of input arrive together (the event loop is busy meanwhile) at a
     * child without half-closure, which reads a line per batch: it answers the first, whose send
     * goes in flight, then the others, flushed behind it, then sees the end of input, which
     * closes it. Every answer reaches the client before the close, as with NIO, whose flushes
     * write at once.
     */
    @Test
    void requestsAndTheEndOfInputTogetherHaveEveryAnswerSentBeforeTheClose() throws Exception {
        // Two bytes a read, one read a batch: each line is answered and flushed on its own.
        InetSocketAddress address = start(true, true, new FixedRecvByteBufAllocator(2).maxMessagesPerRead(1));
        Channel child;
        String received;
        try (Socket client = new Socket()) {
            child = connectAndAwaitGreeting(client, address);
            CountDownLatch release = new CountDownLatch(1);
            occupy(child, release);
            try {
                client.getOutputStream().write("a\nb\nc\n".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput(); // FIN
                awaitServerEnd(address.getPort(), client.getLocalPort(), "CLOSE_WAIT");
            } finally {
                release.countDown();
            }
            received = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
        assertTrue(child.closeFuture().await(LIMIT.toMillis()), "the end of input did not close the child");
        assertEquals(List.of("a", "b", "c"), lines);
        for (ChannelFuture answer : answers) {
            assertTrue(answer.await(LIMIT.toMillis()), "an answer's promise never completed");
            assertTrue(answer.isSuccess(), () -> "an answer flushed before the end failed: " + answer.cause());
        }
        assertEquals("ok\nok\nok\n", received, "the answers, then the end of the stream");
        assertEquals(List.of(), exceptions);
    }
}
