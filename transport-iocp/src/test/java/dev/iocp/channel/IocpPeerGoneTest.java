package dev.iocp.channel;

import dev.iocp.channel.faults.Descriptors;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Peers that leave a request-response connection (an HTTP keep-alive client that crashes or
 * gives up, say) at a moment a multishot receive got wrong: part of a request and a reset both in
 * before the server reads. The server's children answer each complete line, flush once per read
 * batch and close on any exception, as servers do. Every child must close, its input ended by
 * the reset, and nothing may leak (the leak detector is at PARANOID).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpPeerGoneTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    private MultiThreadIoEventLoopGroup group;
    private Channel server;
    private final BlockingQueue<Channel> children = new LinkedBlockingQueue<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<Throwable> exceptions = new CopyOnWriteArrayList<>();
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
                ctx.write(ascii("ok\n"));
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
        server = new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
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
}
