package dev.iocp.channel;

import dev.iocp.port.PortSocket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A listening Unix-domain socket on a completion port: what {@code EpollServerDomainSocketChannel}
 * and {@code NioServerDomainSocketChannel} are to their transports. Each accepted connection
 * becomes an {@link IocpDomainSocketChannel}; the accepting is {@link AbstractIocpServerChannel}'s.
 *
 * <p><b>The socket file.</b> Binding to a path creates a file there (and fails with EADDRINUSE
 * if one exists, also one a crashed server left). As Netty's domain server channels do, this
 * channel removes the file it created when it closes; a name in Linux's abstract namespace has
 * no file and disappears with the socket.
 *
 * <p>It does not implement Netty's {@code ServerDomainSocketChannel}, for the reason
 * {@link IocpDomainSocketChannel} gives.
 */
public class IocpServerDomainSocketChannel extends AbstractIocpServerChannel {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(IocpServerDomainSocketChannel.class);

    private final IocpServerDomainSocketChannelConfig config;
    /** The socket file this channel's bind created, removed when it closes; null if none. */
    private volatile Path socketFile;

    /**
     * A new Unix-domain listening socket, not bound yet.
     *
     * @throws io.netty.channel.ChannelException if the socket cannot be opened
     */
    public IocpServerDomainSocketChannel() {
        super(IocpSocketChannel.openSocket(StandardProtocolFamily.UNIX));
        this.config = new IocpServerDomainSocketChannelConfig(this, socket);
    }

    @Override
    public IocpServerDomainSocketChannelConfig config() {
        return config;
    }

    @Override
    int backlog() {
        return config.getBacklog();
    }

    @Override
    AbstractIocpStreamChannel newChildChannel(PortSocket accepted) {
        return new IocpDomainSocketChannel(this, accepted);
    }

    @Override
    SocketAddress portAddress(SocketAddress address) {
        return DomainSocketAddresses.toPort(address);
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        SocketAddress address = portAddress(localAddress);
        super.doBind(address);
        if (address instanceof UnixDomainSocketAddress unix && !unix.getPath().toString().isEmpty()) {
            socketFile = unix.getPath();
        }
    }

    @Override
    protected void doClose() throws Exception {
        try {
            super.doClose();
        } finally {
            Path file = socketFile;
            if (file != null) {
                socketFile = null;
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    logger.debug("{}: failed to remove the socket file {}", this, file, e);
                }
            }
        }
    }

    @Override
    protected SocketAddress localAddress0() {
        return DomainSocketAddresses.toNetty(local);
    }

    @Override
    public DomainSocketAddress localAddress() {
        return (DomainSocketAddress) super.localAddress();
    }

    @Override
    public DomainSocketAddress remoteAddress() {
        return null;
    }
}
