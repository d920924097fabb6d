package dev.iocp.benchmarks.compare;

import dev.iocp.channel.Iocp;
import dev.iocp.channel.IocpIoHandler;
import dev.iocp.channel.IocpServerSocketChannel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;

/**
 * Builds a {@link ComparedTransport} inside the server JVM: its event-loop group and server
 * channel class. Each transport is taken as a user gets it (default handler factory, default
 * configuration); what differs between them is only these two things, as in any Netty program.
 */
final class ServerTransports {
    private ServerTransports() {
    }

    /**
     * Fails, with the reason, when {@code transport} cannot run in this JVM: its native library
     * does not load, or transport-iocp runs on another backend than the one the name stands for.
     */
    static void ensureAvailable(ComparedTransport transport) {
        switch (transport) {
            case IOCP, IOCP_NIO -> {
                Iocp.ensureAvailability();
                String backend = Iocp.backendName();
                if (!backend.equals(transport.iocpBackend())) {
                    throw new IllegalStateException("transport " + transport + " is transport-iocp on its "
                            + transport.iocpBackend() + " backend, but this JVM runs it on " + backend
                            + "; start it with -Ddev.iocp.backend=" + transport.iocpBackend());
                }
            }
            case NIO -> {
                // java.nio: always there.
            }
            case EPOLL -> Epoll.ensureAvailability();
            case IO_URING -> IoUring.ensureAvailability();
        }
    }

    /** A group of {@code threads} event loops of {@code transport}. */
    static EventLoopGroup newGroup(ComparedTransport transport, int threads) {
        return new MultiThreadIoEventLoopGroup(threads, ioHandlerFactory(transport));
    }

    static Class<? extends ServerChannel> serverChannel(ComparedTransport transport) {
        return switch (transport) {
            case IOCP, IOCP_NIO -> IocpServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case IO_URING -> IoUringServerSocketChannel.class;
        };
    }

    /** What the server's start-up line says about the transport, e.g. the backend transport-iocp chose. */
    static String describe(ComparedTransport transport) {
        return switch (transport) {
            case IOCP, IOCP_NIO -> "transport-iocp/" + Iocp.backendName();
            case NIO -> "netty-nio";
            case EPOLL -> "netty-epoll";
            case IO_URING -> "netty-io_uring";
        };
    }

    private static IoHandlerFactory ioHandlerFactory(ComparedTransport transport) {
        return switch (transport) {
            case IOCP, IOCP_NIO -> IocpIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
        };
    }
}
