package dev.iocp.channel;

import dev.iocp.channel.faults.FaultInjector;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What Netty's {@code DetectPeerCloseWithoutReadTest} (in
 * {@code netty-transport-native-unix-common-tests}, which Netty runs for epoll, kqueue and
 * io_uring) checks, written for this transport, since that test jar is not available to this
 * build: a side with auto-read off that never calls {@code read()} (or calls it only from
 * {@code channelRead}) still sees the peer write 100 bytes and close: it reads all 100, in reads
 * of 10 bytes with one message per read, and then goes inactive. Both ends are Iocp channels.
 *
 * <p>Only where the port {@linkplain dev.iocp.port.CompletionPort#watchesPeerClosure watches for
 * the peer's closure} (io_uring); on the nio backend, as with Netty's NIO transport (for which
 * Netty does not run this test), a channel that never reads never learns of the close.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class IocpDetectPeerCloseWithoutReadTest {
    private static final int EXPECTED_BYTES = 100;

    private FaultInjector injector;
    private MultiThreadIoEventLoopGroup group;

    @BeforeEach
    void setUp() throws Exception {
        FaultTestSupport.assumeReady();
        injector = new FaultInjector(); // no rules: only to ask the port what it can do
        group = FaultTestSupport.group(2, injector);
        boolean watches = group.next().submit(() -> injector.portOf(Thread.currentThread()).watchesPeerClosure())
                .get(10, TimeUnit.SECONDS);
        assumeTrue(watches, "the port cannot watch for the peer's closure (nio): a channel that does not read "
                + "learns of it only when it reads, as with Netty's NIO transport");
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        FaultTestSupport.shutdown(group);
    }

    @ParameterizedTest(name = "read() from channelRead: {0}")
    @ValueSource(booleans = {false, true})
    void theClientsCloseIsSeenByAServerChildThatDoesNotRead(boolean readFromChannelRead) throws Exception {
        CountDownLatch inactive = new CountDownLatch(1);
        AtomicInteger bytesRead = new AtomicInteger();
        Channel server = new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.MAX_MESSAGES_PER_READ, 1)
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(EXPECTED_BYTES / 10))
                .childHandler(initializer(new Counting(bytesRead, readFromChannelRead, inactive)))
                .bind(FaultTestSupport.LOOPBACK).sync().channel();
        try {
            Channel client = new Bootstrap().group(group).channel(IocpSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(server.localAddress()).sync().channel();
            client.writeAndFlush(hundredBytes(client)).addListener(ChannelFutureListener.CLOSE);
            assertTrue(inactive.await(30, TimeUnit.SECONDS), () -> "the server child never went inactive; read "
                    + bytesRead.get() + " bytes");
            assertEquals(EXPECTED_BYTES, bytesRead.get());
        } finally {
            server.close().sync();
        }
    }

    @ParameterizedTest(name = "read() from channelRead: {0}")
    @ValueSource(booleans = {false, true})
    void theServersCloseIsSeenByAClientThatDoesNotRead(boolean readFromChannelRead) throws Exception {
        CountDownLatch inactive = new CountDownLatch(1);
        AtomicInteger bytesRead = new AtomicInteger();
        Channel server = new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(hundredBytes(ctx.channel())).addListener(ChannelFutureListener.CLOSE);
                        ctx.fireChannelActive();
                    }
                })
                .bind(FaultTestSupport.LOOPBACK).sync().channel();
        Channel client = null;
        try {
            client = new Bootstrap().group(group).channel(IocpSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.MAX_MESSAGES_PER_READ, 1)
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(EXPECTED_BYTES / 10))
                    .handler(initializer(new Counting(bytesRead, readFromChannelRead, inactive)))
                    .connect(server.localAddress()).sync().channel();
            assertTrue(inactive.await(30, TimeUnit.SECONDS), () -> "the client never went inactive; read "
                    + bytesRead.get() + " bytes");
            assertEquals(EXPECTED_BYTES, bytesRead.get());
        } finally {
            if (client != null) {
                client.close().sync();
            }
            server.close().sync();
        }
    }

    private static ByteBuf hundredBytes(Channel channel) {
        ByteBuf buf = channel.alloc().buffer(EXPECTED_BYTES);
        return buf.writerIndex(buf.writerIndex() + EXPECTED_BYTES);
    }

    private static ChannelInitializer<Channel> initializer(Counting counting) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(counting);
            }
        };
    }

    /** Counts the bytes read; optionally asks for the next read from each channelRead. */
    private static final class Counting extends ChannelInboundHandlerAdapter {
        private final AtomicInteger bytesRead;
        private final boolean readFromChannelRead;
        private final CountDownLatch inactive;

        Counting(AtomicInteger bytesRead, boolean readFromChannelRead, CountDownLatch inactive) {
            this.bytesRead = bytesRead;
            this.readFromChannelRead = readFromChannelRead;
            this.inactive = inactive;
        }

        @Override
        public boolean isSharable() {
            return true; // one connection per test
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            bytesRead.addAndGet(buf.readableBytes());
            buf.release();
            if (readFromChannelRead) {
                ctx.read();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inactive.countDown();
            ctx.fireChannelInactive();
        }
    }
}
