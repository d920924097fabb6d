package dev.iocp.channel;

import dev.iocp.channel.faults.TestData;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A handler that writes and then shuts its output down in the same turn (or from another
 * thread, one call after the other): the peer reads every byte and then the end of the stream,
 * and both promises succeed. The FIN must follow the data, whether or not the send is still in
 * flight when {@code shutdownOutput()} is called.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpFinAfterDataTest {
    private static MultiThreadIoEventLoopGroup group;
    private static ExecutorService outsider;

    @BeforeAll
    static void setUp() {
        FaultTestSupport.assumeReady();
        group = FaultTestSupport.group(2);
        outsider = Executors.newSingleThreadExecutor(r -> new Thread(r, "not-a-loop"));
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        if (outsider != null) {
            outsider.shutdownNow();
        }
        FaultTestSupport.shutdown(group);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1, 7, 100, 1000, 1460, 4096, 8192, 12 * 1024, 1024 * 1024})
    void finFollowsTheDataWhenWriteAndShutdownAreInTheSameTurn(int size) throws Exception {
        check(size, false);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1, 7, 100, 1000, 1460, 4096, 8192, 12 * 1024, 1024 * 1024})
    void finFollowsTheDataWhenWriteAndShutdownComeFromAnotherThread(int size) throws Exception {
        check(size, true);
    }

    private static void check(int size, boolean fromOutside) throws Exception {
        long seed = size * 31L + (fromOutside ? 1 : 0);
        CompletableFuture<ChannelFuture> write = new CompletableFuture<>();
        CompletableFuture<ChannelFuture> shutdown = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                SocketChannel channel = (SocketChannel) ctx.channel();
                                ByteBuf data = ctx.alloc().directBuffer(size).writeBytes(TestData.bytes(seed, 0, size));
                                Runnable writeThenShutdown = () -> {
                                    write.complete(channel.writeAndFlush(data));
                                    shutdown.complete(channel.shutdownOutput());
                                };
                                if (fromOutside) {
                                    outsider.execute(writeThenShutdown);
                                } else {
                                    writeThenShutdown.run();
                                }
                                ctx.fireChannelActive();
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ((ByteBuf) msg).release();
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                }).bind(FaultTestSupport.LOOPBACK).sync().channel();
        byte[] received;
        try (Socket client = new Socket()) {
            client.connect(server.localAddress(), 5_000);
            client.setSoTimeout(10_000);
            received = readToEnd(client.getInputStream());
        } finally {
            server.close().sync();
        }
        ChannelFuture writeFuture = write.get(5, TimeUnit.SECONDS);
        ChannelFuture shutdownFuture = shutdown.get(5, TimeUnit.SECONDS);
        assertTrue(writeFuture.await(5, TimeUnit.SECONDS), "the write promise never completed");
        assertTrue(shutdownFuture.await(5, TimeUnit.SECONDS), "the shutdownOutput promise never completed");
        assertEquals(size, received.length, () -> "bytes before the FIN (write promise: " + describe(writeFuture)
                + ", shutdownOutput promise: " + describe(shutdownFuture) + ")");
        int bad = TestData.mismatch(seed, 0, received, 0, size);
        assertEquals(-1, bad, "first byte that differs from what was written");
        assertTrue(writeFuture.isSuccess(), () -> "write promise: " + describe(writeFuture));
        assertTrue(shutdownFuture.isSuccess(), () -> "shutdownOutput promise: " + describe(shutdownFuture));
    }

    private static String describe(ChannelFuture future) {
        return !future.isDone() ? "pending" : future.isSuccess() ? "success" : "failed with " + future.cause();
    }

    private static byte[] readToEnd(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        int n;
        while ((n = in.read(chunk)) >= 0) {
            all.write(chunk, 0, n);
        }
        return all.toByteArray();
    }
}
