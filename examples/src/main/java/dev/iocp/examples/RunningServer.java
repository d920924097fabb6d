package dev.iocp.examples;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A bound example server: its listening channel and the event loop groups behind it. The
 * servers' {@code main} methods and the tests both start servers through {@link #start}, so the
 * tests run exactly the code a reader runs.
 */
public final class RunningServer implements AutoCloseable {
    // Short quiet period: the examples have no background work that needs time to settle, and
    // tests start and stop many servers.
    private static final long QUIET_PERIOD_MILLIS = 50;
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 5_000;
    // Binding takes microseconds; a bind still pending after this is a broken transport, and
    // saying so beats hanging.
    private static final long BIND_TIMEOUT_SECONDS = 10;

    private final Transport transport;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final Channel channel;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RunningServer(Transport transport, EventLoopGroup acceptors, EventLoopGroup workers, Channel channel) {
        this.transport = transport;
        this.acceptors = acceptors;
        this.workers = workers;
        this.channel = channel;
    }

    /**
     * Binds {@code address} with {@code transport}, giving each accepted connection the
     * handler {@code childHandler} (usually a {@code ChannelInitializer} building its pipeline).
     * A {@link java.net.UnixDomainSocketAddress} binds a Unix-domain socket at its path (the
     * transport's domain server channel, which removes the file when it closes); an
     * {@link InetSocketAddress} a TCP socket.
     *
     * @param workerThreads event loops for the connections; 0 lets Netty choose
     */
    public static RunningServer start(Transport transport, SocketAddress address, int workerThreads,
                                      ChannelHandler childHandler) throws InterruptedException {
        // One loop accepts; the connections are spread over the workers.
        EventLoopGroup acceptors = transport.newGroup(1);
        EventLoopGroup workers;
        try {
            workers = transport.newGroup(workerThreads);
        } catch (RuntimeException | Error e) {
            acceptors.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
        try {
            ChannelFuture bound = new ServerBootstrap()
                    .group(acceptors, workers)
                    .channel(transport.serverChannelFor(address))
                    .childHandler(childHandler)
                    .bind(address);
            if (!bound.await(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                bound.channel().close();
                throw new IllegalStateException("binding " + address + " with transport " + transport
                        + " did not complete within " + BIND_TIMEOUT_SECONDS + " s");
            }
            bound.sync(); // rethrows the failure, if it failed
            return new RunningServer(transport, acceptors, workers, bound.channel());
        } catch (InterruptedException | RuntimeException | Error e) {
            shutdown(acceptors, workers);
            throw e;
        }
    }

    /** The listening channel. */
    public Channel channel() {
        return channel;
    }

    /**
     * The TCP address actually bound; its port is the kernel's pick when 0 was asked for.
     *
     * @throws ClassCastException for a server on a Unix-domain socket
     */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** The port actually bound. */
    public int port() {
        return localAddress().getPort();
    }

    /** The transport the server runs on. */
    public Transport transport() {
        return transport;
    }

    /**
     * Blocks until the server is closed, by {@link #close} or by the JVM shutting down (Ctrl-C),
     * which closes it gracefully so open connections are not cut mid-response.
     */
    public void awaitShutdown() throws InterruptedException {
        ServerShutdown.awaitClosed(channel, this::close, "server-shutdown");
    }

    /** Stops listening, closes the connections and waits for the event loops to end. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        channel.close().syncUninterruptibly();
        shutdown(acceptors, workers);
    }

    private static void shutdown(EventLoopGroup acceptors, EventLoopGroup workers) {
        Future<?> a = acceptors.shutdownGracefully(QUIET_PERIOD_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        Future<?> w = workers.shutdownGracefully(QUIET_PERIOD_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        a.syncUninterruptibly();
        w.syncUninterruptibly();
    }
}
