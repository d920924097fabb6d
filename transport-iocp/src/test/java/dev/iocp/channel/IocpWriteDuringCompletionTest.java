package dev.iocp.channel;

import dev.iocp.channel.faults.TestData;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A write and flush made while a send's completion removes the bytes sent from the outbound
 * buffer: from the write promise of a message the send finished, or from the
 * {@code channelWritabilityChanged} that removing it fires. Removing goes message by message,
 * so at that moment the messages after the first still have their sent bytes readable; a send
 * submitted then must not go out from them (it would repeat bytes already on the wire, and
 * read messages the removal goes on to release). This is how {@code ChunkedWriteHandler} and
 * {@code SslHandler} write, and what Netty's SocketSslEchoTest caught. Runs on both backends.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class IocpWriteDuringCompletionTest {
    private static final long SEED = 11;
    /** Two messages flushed together (one gathering send), then a third written during its completion. */
    private static final int FIRST = 1000;
    private static final int SECOND = 1000;
    private static final int THIRD = 1000;

    /** The third message is written and flushed by the first one's write promise. */
    @Test
    void aWriteFromTheWritePromiseOfAMessageJustSentSendsOnlyWhatWasNotSent() throws Exception {
        serveAndCheck(bootstrap -> { }, ctx -> {
            ctx.write(message(ctx, 0, FIRST)).addListener(f -> {
                if (f.isSuccess()) {
                    ctx.writeAndFlush(message(ctx, FIRST + SECOND, THIRD)).addListener(g -> ctx.close());
                } else {
                    ctx.close();
                }
            });
            ctx.writeAndFlush(message(ctx, FIRST, SECOND));
        }, null);
    }

    /**
     * The third message is written and flushed when the channel becomes writable again, which
     * happens when the completion removes the first message (the second still pending keeps the
     * outbound buffer below the low water mark only once the first is gone).
     */
    @Test
    void aWriteFromChannelWritabilityChangedDuringTheRemovalSendsOnlyWhatWasNotSent() throws Exception {
        // Pending bytes count a message's size plus Netty's per-entry overhead (96 bytes):
        // both messages are above the high mark, the second alone below the low one.
        WriteBufferWaterMark marks = new WriteBufferWaterMark(SECOND + 200, FIRST + SECOND);
        serveAndCheck(bootstrap -> bootstrap.childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, marks), ctx -> {
            ctx.write(message(ctx, 0, FIRST));
            ctx.writeAndFlush(message(ctx, FIRST, SECOND));
        }, new ChannelInboundHandlerAdapter() {
            private boolean wroteThird;

            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                if (ctx.channel().isWritable() && !wroteThird) {
                    wroteThird = true;
                    ctx.writeAndFlush(message(ctx, FIRST + SECOND, THIRD)).addListener(g -> ctx.close());
                }
                ctx.fireChannelWritabilityChanged();
            }
        });
    }

    private static ByteBuf message(ChannelHandlerContext ctx, long offset, int size) {
        ByteBuf message = ctx.alloc().directBuffer(size);
        return message.writeBytes(TestData.bytes(SEED, offset, size));
    }

    /**
     * A server whose child runs {@code onActive} (and has {@code writability} in its pipeline);
     * a plain socket reads to the end and expects the three messages' bytes, each once, in order.
     */
    private static void serveAndCheck(Consumer<ServerBootstrap> tweak, Consumer<ChannelHandlerContext> onActive,
                                      ChannelInboundHandlerAdapter writability) throws Exception {
        FaultTestSupport.assumeReady();
        MultiThreadIoEventLoopGroup group = FaultTestSupport.group(1);
        try {
            ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (writability != null) {
                                ch.pipeline().addLast(writability);
                            }
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelActive(ChannelHandlerContext ctx) {
                                    onActive.accept(ctx);
                                    ctx.fireChannelActive();
                                }
                            });
                        }
                    });
            tweak.accept(bootstrap);
            Channel server = bootstrap.bind(FaultTestSupport.LOOPBACK).sync().channel();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            try (Socket client = new Socket()) {
                client.connect((InetSocketAddress) server.localAddress());
                client.setSoTimeout(20_000);
                InputStream in = client.getInputStream();
                byte[] chunk = new byte[8192];
                int n;
                while ((n = in.read(chunk)) > 0) {
                    received.write(chunk, 0, n);
                }
            } finally {
                server.close().sync();
            }
            byte[] got = received.toByteArray();
            int total = FIRST + SECOND + THIRD;
            int wrong = TestData.mismatch(SEED, 0, got, 0, Math.min(got.length, total));
            assertEquals(-1, wrong, () -> "byte " + wrong + " of " + got.length + " received is not the one written there");
            assertEquals(total, got.length, "every byte once, then the server's close");
        } finally {
            FaultTestSupport.shutdown(group);
        }
    }
}
