package dev.iocp.benchmarks.udp;

import dev.iocp.channel.Iocp;
import dev.iocp.channel.IocpDatagramChannel;
import dev.iocp.channel.IocpIoHandler;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.util.ReferenceCountUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * UDP throughput on loopback, one transport per JVM: a client flushes {@code perFlush}
 * datagrams of {@code size} bytes at a time to a server that counts them, the next flush going
 * once the last promise of the one before has completed; each side has its own event loop. After
 * a warm-up it prints one line: datagrams sent per second and datagrams the server received per
 * second (UDP may drop what the server's receive buffer cannot hold).
 *
 * <p>usage: {@code UdpThroughput transport size perFlush seconds}, transport one of iocp (the
 * backend as {@code dev.iocp.backend} picks it), nio, epoll, io_uring. Run by
 * {@code benchmarks/scripts/udp-throughput.sh}.
 */
public final class UdpThroughput {
    private static final int WARMUP_SECONDS = 3;

    private UdpThroughput() {
    }

    public static void main(String[] args) throws Exception {
        String transport = args[0];
        int size = Integer.parseInt(args[1]);
        int perFlush = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        IoHandlerFactory factory = switch (transport) {
            case "iocp" -> IocpIoHandler.newFactory();
            case "nio" -> NioIoHandler.newFactory();
            case "epoll" -> EpollIoHandler.newFactory();
            case "io_uring" -> IoUringIoHandler.newFactory();
            default -> throw new IllegalArgumentException("unknown transport " + transport);
        };
        Class<? extends DatagramChannel> channelClass = switch (transport) {
            case "iocp" -> IocpDatagramChannel.class;
            case "nio" -> NioDatagramChannel.class;
            case "epoll" -> EpollDatagramChannel.class;
            default -> IoUringDatagramChannel.class;
        };
        if (transport.equals("iocp")) {
            Iocp.ensureAvailability();
        }
        EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, factory);
        EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(1, factory);
        try {
            LongAdder received = new LongAdder();
            Channel server = new Bootstrap().group(serverGroup).channel(channelClass)
                    .option(ChannelOption.SO_RCVBUF, 4 << 20)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            received.increment();
                            ReferenceCountUtil.release(msg);
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            Channel client = new Bootstrap().group(clientGroup).channel(channelClass)
                    .handler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            Flusher flusher = new Flusher(client, (InetSocketAddress) server.localAddress(), size, perFlush);
            client.eventLoop().execute(flusher::flushNext);
            Thread.sleep(TimeUnit.SECONDS.toMillis(WARMUP_SECONDS));
            long sent0 = flusher.sent.sum();
            long received0 = received.sum();
            long start = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            double elapsed = (System.nanoTime() - start) / 1e9;
            long sent = flusher.sent.sum() - sent0;
            long got = received.sum() - received0;
            flusher.stop = true;
            System.out.printf(Locale.ROOT, "transport=%s backend=%s size=%d perFlush=%d sent/s=%.0f received/s=%.0f failed=%d%n",
                    transport, transport.equals("iocp") ? Iocp.backendName() : "-", size, perFlush, sent / elapsed,
                    got / elapsed, flusher.failed.sum());
            client.close().sync();
            server.close().sync();
        } finally {
            clientGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
            serverGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }

    /** Flushes {@code perFlush} datagrams, and again once the last of them has its result. */
    private static final class Flusher {
        final Channel channel;
        final InetSocketAddress to;
        final ByteBuf payload;
        final int perFlush;
        final LongAdder sent = new LongAdder();
        final LongAdder failed = new LongAdder();
        volatile boolean stop;

        Flusher(Channel channel, InetSocketAddress to, int size, int perFlush) {
            this.channel = channel;
            this.to = to;
            this.payload = channel.alloc().directBuffer(size).writeZero(size);
            this.perFlush = perFlush;
        }

        void flushNext() {
            if (stop || !channel.isActive()) {
                payload.release();
                return;
            }
            ChannelFuture last = null;
            for (int i = 0; i < perFlush; i++) {
                last = channel.write(new DatagramPacket(payload.retainedDuplicate(), to));
            }
            channel.flush();
            last.addListener(f -> {
                if (f.isSuccess()) {
                    sent.add(perFlush);
                } else {
                    failed.increment();
                }
                flushNext();
            });
        }
    }
}
