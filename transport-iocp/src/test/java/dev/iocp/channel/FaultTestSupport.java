package dev.iocp.channel;

import dev.iocp.channel.faults.ChannelTracker;
import dev.iocp.channel.faults.Descriptors;
import dev.iocp.channel.faults.EchoHandler;
import dev.iocp.channel.faults.FaultInjector;
import dev.iocp.channel.faults.TestData;
import dev.iocp.port.PortConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the fault, leak and churn tests share: groups (optionally behind a
 * {@link FaultInjector}, through the handler's package-private seam), an echo server that
 * tracks its children, and a client's byte-verified echo.
 */
final class FaultTestSupport {
    static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private FaultTestSupport() {
    }

    /** Skips unless the transport runs here and descriptors can be counted (Linux). */
    static void assumeReady() {
        Assumptions.assumeTrue(Iocp.isAvailable(), () -> "Iocp unavailable: " + Iocp.unavailabilityCause());
        Assumptions.assumeTrue(Descriptors.available(), "needs /proc/self/fd to count descriptors");
    }

    static MultiThreadIoEventLoopGroup group(int loops) {
        return group(loops, PortConfig.DEFAULT, new FaultInjector());
    }

    static MultiThreadIoEventLoopGroup group(int loops, FaultInjector injector) {
        return group(loops, PortConfig.DEFAULT, injector);
    }

    static MultiThreadIoEventLoopGroup group(int loops, PortConfig config, FaultInjector injector) {
        return new MultiThreadIoEventLoopGroup(loops, IocpIoHandler.newFactory(config, injector.decorator()));
    }

    /** Operations in flight on each port of the injector's group (a racy read, for failure messages). */
    static String portState(FaultInjector injector) {
        StringBuilder state = new StringBuilder("operations in flight per port:");
        for (var port : injector.ports()) {
            state.append(' ').append(port.pendingOperations());
        }
        return state.toString();
    }

    static void shutdown(EventLoopGroup group) throws InterruptedException {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(20, TimeUnit.SECONDS);
        }
    }

    /**
     * An echo server ({@link EchoHandler}: backpressure, half-closure on, small water marks) whose
     * children the tracker follows; {@code tweak} may change the bootstrap before it binds.
     */
    static Channel echoServer(EventLoopGroup group, ChannelTracker tracker, EchoHandler.Ledger ledger,
                              Consumer<ServerBootstrap> tweak) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(IocpServerSocketChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        tracker.track(ch);
                        ch.pipeline().addLast(tracker, new EchoHandler(ledger));
                    }
                });
        tweak.accept(bootstrap);
        return bootstrap.bind(LOOPBACK).sync().channel();
    }

    static Channel echoServer(EventLoopGroup group, ChannelTracker tracker, EchoHandler.Ledger ledger)
            throws InterruptedException {
        return echoServer(group, tracker, ledger, b -> { });
    }

    /**
     * Connects, sends {@code size} pattern bytes while reading the echo, verifies every byte,
     * and closes: the server still serves. Throws with what went wrong.
     */
    static void echoOnce(InetSocketAddress server, int size, long seed) throws IOException, InterruptedException {
        try (Socket socket = new Socket()) {
            socket.connect(server, 5_000);
            socket.setSoTimeout(10_000);
            echoVerified(socket, size, seed);
        }
    }

    /**
     * Sends {@code size} bytes of the pattern on a connected socket (from another thread) while
     * reading the echo here, and verifies every byte; throws on a mismatch, EOF or reset.
     */
    static void echoVerified(Socket socket, int size, long seed) throws IOException, InterruptedException {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        IOException[] writeFailure = new IOException[1];
        Thread writer = Thread.ofVirtual().start(() -> {
            byte[] chunk = new byte[16 * 1024];
            try {
                for (int sent = 0; sent < size; ) {
                    int n = Math.min(chunk.length, size - sent);
                    TestData.fill(seed, sent, chunk, 0, n);
                    out.write(chunk, 0, n);
                    sent += n;
                }
                out.flush();
            } catch (IOException e) {
                writeFailure[0] = e;
            }
        });
        byte[] got = new byte[16 * 1024];
        long received = 0;
        boolean ok = false;
        try {
            while (received < size) {
                int n = in.read(got, 0, (int) Math.min(got.length, size - received));
                if (n < 0) {
                    throw new IOException("EOF after " + received + " of " + size + " echoed bytes");
                }
                int bad = TestData.mismatch(seed, received, got, 0, n);
                if (bad >= 0) {
                    throw new IOException("echoed byte " + (received + bad) + " of " + size + " is 0x"
                            + Integer.toHexString(got[bad] & 0xff) + ", expected 0x"
                            + Integer.toHexString(TestData.at(seed, received + bad) & 0xff));
                }
                received += n;
            }
            ok = true;
        } finally {
            if (!ok) {
                socket.close(); // ends the writer if it is blocked
            }
            writer.join(10_000);
        }
        if (writeFailure[0] != null) {
            throw writeFailure[0];
        }
    }
}
