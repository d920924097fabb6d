package dev.iocp.benchmarks.compare;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The server side of the side-by-side comparison ({@link Compare}, {@code scripts/compare.sh}): one
 * transport, one event loop, one workload (echo or HTTP hello world), on loopback, plus a
 * {@link ControlChannel} through which the orchestrator reads the server's own counters.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED [-Ddev.iocp.backend=io_uring|nio] -cp benchmarks.jar \
 *     dev.iocp.benchmarks.compare.CompareServer --transport iocp|iocp-nio|nio|epoll|io_uring \
 *     [--workload echo|http] [--port 0]
 * </pre>
 *
 * <p>Prints one line to stdout once it listens, {@code compare-server listening port=… control_port=…
 * transport=… implementation=… workload=… pid=…}, and runs until the control channel says
 * {@code shutdown} or its client goes away. Every child channel gets the pooled allocator, so the
 * pool's counters are what the connections use, and TCP_NODELAY, which Netty's own socket
 * channels default to.
 */
public final class CompareServer {
    private static final Set<String> OPTIONS = Set.of("--transport", "--workload", "--port");
    /** One event loop: the comparison measures what one core does with each transport. */
    private static final int EVENT_LOOPS = 1;
    private static final int BACKLOG = 1024;
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 10;

    private CompareServer() {
    }

    public static void main(String[] args) throws Exception {
        Flags flags = Flags.parse(args, OPTIONS, Set.of());
        ComparedTransport transport = ComparedTransport.parse(flags.required("--transport"));
        ServerWorkload workload = ServerWorkload.parse(flags.value("--workload", "echo"));
        int port = flags.intValue("--port", 0, 0, 65_535);
        ServerTransports.ensureAvailable(transport);
        run(transport, workload, port);
    }

    private static void run(ComparedTransport transport, ServerWorkload workload, int port) throws Exception {
        OpenConnections connections = new OpenConnections();
        EventLoopGroup group = ServerTransports.newGroup(transport, EVENT_LOOPS);
        try {
            Channel listener = new ServerBootstrap()
                    .group(group)
                    .channel(ServerTransports.serverChannel(transport))
                    .option(ChannelOption.SO_BACKLOG, BACKLOG)
                    .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(childHandler(workload, connections))
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                    .sync()
                    .channel();
            ControlChannel control = new ControlChannel(connections, transport, group);
            control.start();
            System.out.println("compare-server listening port=" + ((InetSocketAddress) listener.localAddress()).getPort()
                    + " control_port=" + control.port() + " transport=" + transport
                    + " implementation=" + ServerTransports.describe(transport) + " workload=" + workload.cliName()
                    + " pid=" + ProcessHandle.current().pid());
            System.out.flush();
            control.awaitDone();
            listener.close().syncUninterruptibly();
        } finally {
            group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static ChannelHandler childHandler(ServerWorkload workload, OpenConnections connections) {
        return switch (workload) {
            // One sharable handler: added to each child pipeline as it is, no initializer.
            case ECHO -> new EchoHandler(connections);
            case HTTP -> {
                HttpHelloHandler hello = new HttpHelloHandler(connections);
                yield new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel child) {
                        child.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(), hello);
                    }
                };
            }
        };
    }
}
