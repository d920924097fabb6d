package dev.iocp.channel;

import dev.iocp.port.PortSocket;
import io.netty.channel.socket.ServerSocketChannel;

import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;

/**
 * A listening TCP socket on a completion port: the drop-in replacement for
 * {@code NioServerSocketChannel}. Each accepted connection becomes an {@link IocpSocketChannel};
 * the accepting is {@link AbstractIocpServerChannel}'s.
 */
public class IocpServerSocketChannel extends AbstractIocpServerChannel implements ServerSocketChannel {
    private final IocpServerSocketChannelConfig config;

    /** A new IPv6 (dual-stack) listening socket, as {@code new NioServerSocketChannel()} opens. */
    public IocpServerSocketChannel() {
        this(StandardProtocolFamily.INET6);
    }

    /**
     * A new listening socket of the given family.
     *
     * @param family {@code INET} or {@code INET6}
     * @throws IllegalArgumentException          for {@code UNIX}: use
     *                                           {@link IocpServerDomainSocketChannel}
     * @throws io.netty.channel.ChannelException if the socket cannot be opened
     */
    public IocpServerSocketChannel(ProtocolFamily family) {
        super(IocpSocketChannel.openSocket(IocpSocketChannel.checkTcp(family)));
        this.config = new IocpServerSocketChannelConfig(this, socket);
    }

    @Override
    public IocpServerSocketChannelConfig config() {
        return config;
    }

    @Override
    int backlog() {
        return config.getBacklog();
    }

    @Override
    AbstractIocpStreamChannel newChildChannel(PortSocket accepted) {
        return new IocpSocketChannel(this, accepted);
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }
}
