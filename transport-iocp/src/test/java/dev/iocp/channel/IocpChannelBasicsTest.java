package dev.iocp.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The smallest end-to-end check: an Iocp server echoes to an Iocp client. */
class IocpChannelBasicsTest {
    private static EventLoopGroup group;

    @BeforeAll
    static void setUp() {
        Assumptions.assumeTrue(Iocp.isAvailable(), () -> "Iocp unavailable: " + Iocp.unavailabilityCause());
        group = new MultiThreadIoEventLoopGroup(2, IocpIoHandler.newFactory());
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void echo() throws Exception {
        Channel server = new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.writeAndFlush(msg);
                            }
                        });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        CompletableFuture<String> echoed = new CompletableFuture<>();
        StringBuilder received = new StringBuilder();
        Channel client = new Bootstrap().group(group).channel(IocpSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        received.append(buf.toString(StandardCharsets.UTF_8));
                        buf.release();
                        if (received.length() >= 5) {
                            echoed.complete(received.toString());
                        }
                    }
                }).connect(server.localAddress()).sync().channel();
        client.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8)).sync();
        assertEquals("hello", echoed.get(10, TimeUnit.SECONDS));
        client.close().sync();
        server.close().sync();
    }
}
