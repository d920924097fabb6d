package dev.iocp.benchmarks.soak;

import dev.iocp.channel.Iocp;
import dev.iocp.channel.IocpEventLoopGroup;
import dev.iocp.channel.IocpServerSocketChannel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.util.concurrent.EventExecutor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The server side of the soak: an echo server and an HTTP/1.1 hello-world server on the Iocp
 * transport, in one process, watched for leaks while {@link SoakDriver}s hammer it.
 *
 * <p>It runs for {@code --seconds} of load, printing a {@link ServerSample} every
 * {@code --interval} seconds; then waits (up to {@code --drain-seconds}) for the last connection
 * to close, counts its descriptors with no connection open, shuts down gracefully, and prints a
 * {@code soak-final} line. Listens on loopback only; port 0 (the default) takes free ports, which
 * it prints.
 *
 * <p>Run with {@code --enable-native-access=ALL-UNNAMED}; {@code -Ddev.iocp.backend=nio} selects
 * the portable backend.
 */
public final class SoakServer {
    private static final Set<String> OPTIONS = Set.of("--seconds", "--interval", "--threads", "--echo-port",
            "--http-port", "--drain-seconds");
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 10;
    // Closing a socket with operations in flight completes asynchronously; give the last
    // closes a moment before counting descriptors, so a slow close is not taken for a leak.
    private static final long SETTLE_MILLIS = 1_000;

    private final ConnectionTally connections = new ConnectionTally();
    private final ExceptionTally exceptions = new ExceptionTally();
    // Time is counted from when the server listens: that is when the script starts the clients.
    private long startNanos;

    private SoakServer() {
    }

    public static void main(String[] args) throws Exception {
        // First of all: the leak detectors are created when the buffer classes initialise.
        LeakCounter.install();
        WarningCounter.install();
        Options options = Options.parse(args, OPTIONS);
        Iocp.ensureAvailability();
        new SoakServer().run(
                options.intValue("--seconds", 600, 1, 86_400),
                options.intValue("--interval", 10, 1, 3_600),
                options.intValue("--threads", 2, 1, 64),
                options.intValue("--echo-port", 0, 0, 65_535),
                options.intValue("--http-port", 0, 0, 65_535),
                options.intValue("--drain-seconds", 60, 0, 3_600));
    }

    private void run(int loadSeconds, int intervalSeconds, int threads, int echoPort, int httpPort, int drainSeconds)
            throws InterruptedException {
        EventLoopGroup group = new IocpEventLoopGroup(threads);
        try {
            Channel echo = bind(group, "echo", echoPort, true, pipeline -> pipeline.addLast(new BackpressureEcho()));
            Channel http = bind(group, "http", httpPort, false, pipeline -> pipeline.addLast(
                    new HttpServerCodec(),
                    new HttpServerKeepAliveHandler(),
                    new HttpObjectAggregator(2 * SoakHttp.MAX_BODY),
                    new HelloHandler()));
            // Descriptors with the listeners and event loops up and no connection: what the
            // count must come back to once every client is gone.
            int idleFds = ProcessProbe.openDescriptors();
            System.out.println("soak-server listening echo_port=" + port(echo) + " http_port=" + port(http)
                    + " backend=" + Iocp.backendName() + " threads=" + threads + " load_s=" + loadSeconds
                    + " fds_idle_start=" + idleFds);
            startNanos = System.nanoTime();

            long nextReport = intervalSeconds;
            while (elapsedSeconds() < loadSeconds) {
                sleepUntil(Math.min(nextReport, loadSeconds));
                if (elapsedSeconds() >= nextReport) {
                    report("load");
                    nextReport += intervalSeconds;
                }
            }
            long drainEnd = loadSeconds + drainSeconds;
            while (connections.live() > 0 && elapsedSeconds() < drainEnd) {
                long untilReport = TimeUnit.SECONDS.toNanos(Math.min(nextReport, drainEnd)) - (System.nanoTime() - startNanos);
                connections.awaitNoneLive(Math.max(1, untilReport));
                if (elapsedSeconds() >= nextReport) {
                    report("drain");
                    nextReport += intervalSeconds;
                }
            }
            Thread.sleep(SETTLE_MILLIS);
            ServerSample end = report("drain");
            // Before the shutdown closes them: what the connections that never closed look like.
            connections.stuck().lines("stuck").forEach(System.out::println);

            echo.close().syncUninterruptibly();
            http.close().syncUninterruptibly();
            group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS).syncUninterruptibly();
            LeakCounter.surfacePending();
            System.out.println("soak-final load_s=" + loadSeconds + " fds_idle_start=" + idleFds
                    + " fds_end=" + end.fds() + " live_end=" + end.live() + " accepted=" + connections.accepted()
                    + " leaks=" + LeakCounter.reports() + " unexpected=" + exceptions.unexpected()
                    + " resets=" + exceptions.resets() + " closed_after_peer_gone=" + exceptions.closedAfterPeerGone()
                    + " truncated=" + exceptions.truncated()
                    + " warnings=" + WarningCounter.warnings()
                    + " rss_kib_end=" + end.rssKib() + " pooled_direct_kib_end=" + end.pooledDirectKib());
            exceptions.unexpectedKinds().lines("unexpected").forEach(System.out::println);
            WarningCounter.kinds().lines("warning").forEach(System.out::println);
            printPortMetrics(group);
        } finally {
            group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** One line per event loop with its port's counters, final now that the group has shut down. */
    private static void printPortMetrics(EventLoopGroup group) {
        int loop = 0;
        for (EventExecutor executor : group) {
            System.out.println("soak-port loop=" + loop++ + " " + Iocp.metrics(executor).snapshot());
        }
    }

    private Channel bind(EventLoopGroup group, String name, int port, boolean halfClosure,
                         Consumer<ChannelPipeline> handlers)
            throws InterruptedException {
        ChannelHandler initializer = new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel child) {
                connections.track(child, name);
                handlers.accept(child.pipeline());
                child.pipeline().addLast(exceptions);
            }
        };
        return new ServerBootstrap()
                .group(group)
                .channel(IocpServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                // Netty 4.2's default allocator is the adaptive one; the pooled allocator is set
                // explicitly so that its usage figure in the status line is what the channels use.
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, halfClosure)
                .childHandler(initializer)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .sync()
                .channel();
    }

    private ServerSample report(String phase) {
        ServerSample sample = ServerSample.take(phase, elapsedSeconds(), connections, exceptions);
        System.out.println(sample.line());
        return sample;
    }

    private long elapsedSeconds() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
    }

    private void sleepUntil(long second) throws InterruptedException {
        long wait = TimeUnit.SECONDS.toNanos(second) - (System.nanoTime() - startNanos);
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static int port(Channel channel) {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }
}
