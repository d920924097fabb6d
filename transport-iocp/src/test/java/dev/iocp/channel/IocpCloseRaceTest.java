package dev.iocp.channel;

import dev.iocp.channel.faults.Fault;
import dev.iocp.channel.faults.FaultInjector;
import dev.iocp.channel.faults.FaultRule;
import dev.iocp.port.Errno;
import dev.iocp.port.Operation;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.ChannelOutputShutdownEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closes that meet other work in flight: a shutdownOutput waiting for a send that fails, a close
 * re-entered from the channelReadComplete the close itself fires, and writes to a channel that
 * was deregistered.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpCloseRaceTest {
    private final FaultInjector injector = new FaultInjector();
    private MultiThreadIoEventLoopGroup group;

    @BeforeEach
    void setUp() {
        FaultTestSupport.assumeReady();
        group = FaultTestSupport.group(1, injector);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (group != null) {
            FaultTestSupport.shutdown(group);
        }
    }

    private Channel server(ChannelInboundHandlerAdapter child) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(64).maxMessagesPerRead(16))
                .childHandler(child).bind(FaultTestSupport.LOOPBACK).sync().channel();
    }

    @Test
    void aShutdownOutputWaitingForASendThatFailsFailsWithTheSendsError() throws Exception {
        injector.add(FaultRule.on(Operation.SEND).become(Fault.error(Errno.ENOBUFS)));
        CompletableFuture<ChannelFuture> shutdown = new CompletableFuture<>();
        CompletableFuture<ChannelFuture> write = new CompletableFuture<>();
        List<Object> events = new CopyOnWriteArrayList<>();
        Channel server = server(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                // Auto-read is on, so a receive is in flight and the close the error brings waits for it.
                write.complete(ctx.writeAndFlush(Unpooled.directBuffer(1024).writeZero(1024)));
                shutdown.complete(((IocpSocketChannel) ctx.channel()).shutdownOutput());
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }
        });
        try (Socket peer = new Socket()) {
            peer.connect(server.localAddress());
            ChannelFuture shutdownFuture = shutdown.get(10, TimeUnit.SECONDS);
            assertTrue(shutdownFuture.await(10, TimeUnit.SECONDS), "the shutdown's promise completes");
            assertFalse(shutdownFuture.isSuccess(), "the data it waited for was not sent");
            assertNotNull(shutdownFuture.cause().getMessage());
            assertTrue(shutdownFuture.cause().getMessage().contains("ENOBUFS"), () -> "the send's error: " + shutdownFuture.cause());
            ChannelFuture writeFuture = write.get(10, TimeUnit.SECONDS);
            assertTrue(writeFuture.await(10, TimeUnit.SECONDS));
            assertTrue(writeFuture.cause().getMessage().contains("ENOBUFS"), () -> "the write fails with the send's error: "
                    + writeFuture.cause());
            assertTrue(writeFuture.channel().closeFuture().await(10, TimeUnit.SECONDS), "the error closes the channel");
            assertTrue(events.stream().noneMatch(e -> e instanceof ChannelOutputShutdownEvent),
                    () -> "no output shutdown in the middle of the close: " + events);
        } finally {
            server.close().sync();
        }
    }

    @Test
    void aCloseReenteredFromTheReadCompleteItFiresCompletesBothPromises() throws Exception {
        CompletableFuture<ChannelPromise> inner = new CompletableFuture<>();
        CompletableFuture<ChannelFuture> outer = new CompletableFuture<>();
        Channel server = server(new ChannelInboundHandlerAdapter() {
            private boolean closeScheduled;

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                // Read only once the peer's data is all queued, so the batch goes on past its
                // first receive (the kernel reports more pending).
                ctx.channel().config().setAutoRead(false);
                ctx.executor().schedule(() -> ctx.channel().config().setAutoRead(true), 200, TimeUnit.MILLISECONDS);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ((ByteBuf) msg).release();
                if (!closeScheduled) {
                    closeScheduled = true;
                    // Runs after this completion's handling, while the batch's next receive
                    // is in flight: the close ends the batch (channelReadComplete) first.
                    ctx.executor().execute(() -> outer.complete(ctx.channel().close()));
                }
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                if (closeScheduled && !inner.isDone()) {
                    ChannelPromise promise = ctx.newPromise();
                    inner.complete(promise);
                    ctx.close(promise);
                }
            }
        });
        try (Socket peer = new Socket()) {
            peer.connect(server.localAddress());
            peer.getOutputStream().write(new byte[64 * 1024]); // many 64-byte receives' worth
            ChannelFuture outerFuture = outer.get(10, TimeUnit.SECONDS);
            assertTrue(outerFuture.await(10, TimeUnit.SECONDS), "the outer close's promise completes");
            assertTrue(outerFuture.isSuccess(), () -> "outer: " + outerFuture.cause());
            ChannelPromise innerPromise = inner.get(10, TimeUnit.SECONDS);
            {
                assertTrue(innerPromise.await(10, TimeUnit.SECONDS), "the re-entered close's promise completes");
                assertTrue(innerPromise.isSuccess(), () -> "inner: " + innerPromise.cause());
            }
        } finally {
            server.close().sync();
        }
    }

    @Test
    void writesToADeregisteredChannelWaitForItsCloseAndFailThen() throws Exception {
        CompletableFuture<Channel> deregistered = new CompletableFuture<>();
        List<String> afterUnregistered = new CopyOnWriteArrayList<>();
        Channel server = server(new ChannelInboundHandlerAdapter() {
            private boolean unregistered;

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.deregister().addListener(f -> deregistered.complete(ctx.channel()));
            }

            @Override
            public void channelUnregistered(ChannelHandlerContext ctx) {
                unregistered = true;
            }

            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                record("writability");
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                record(String.valueOf(evt));
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                record(String.valueOf(cause));
            }

            private void record(String event) {
                if (unregistered) {
                    afterUnregistered.add(event);
                }
            }
        });
        try (Socket peer = new Socket()) {
            peer.connect(server.localAddress());
            Channel child = deregistered.get(10, TimeUnit.SECONDS);
            ChannelFuture write = child.writeAndFlush(Unpooled.directBuffer(16).writeZero(16));
            assertFalse(write.await(200, TimeUnit.MILLISECONDS), "a deregistered channel sends nothing");
            assertTrue(child.isOpen(), "and does not shut down or close by itself");
            assertTrue(child.close().await(10, TimeUnit.SECONDS));
            assertTrue(write.await(10, TimeUnit.SECONDS), "the close settles the write");
            assertFalse(write.isSuccess());
            assertEquals(List.of(), afterUnregistered, "nothing after channelUnregistered");
        } finally {
            server.close().sync();
        }
    }
}
