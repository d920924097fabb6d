package dev.iocp.channel;

import dev.iocp.port.PortSocket;
import dev.iocp.port.PortSocketOptions;
import dev.iocp.port.TcpInfo;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.ClosedChannelException;

/**
 * A TCP connection on a completion port: the drop-in replacement for {@code NioSocketChannel}.
 * The stream itself (connect, reads, writes, half-closure) is {@link AbstractIocpStreamChannel}'s;
 * this class adds TCP's addresses and options.
 */
public class IocpSocketChannel extends AbstractIocpStreamChannel implements SocketChannel {
    private final IocpSocketChannelConfig config;

    /** A new, unconnected IPv6 (dual-stack) socket, as {@code new NioSocketChannel()} opens. */
    public IocpSocketChannel() {
        this(StandardProtocolFamily.INET6);
    }

    /**
     * A new, unconnected socket of the given family.
     *
     * @param family {@code INET} or {@code INET6}
     * @throws IllegalArgumentException          for {@code UNIX}: use {@link IocpDomainSocketChannel}
     * @throws io.netty.channel.ChannelException if the socket cannot be opened
     */
    public IocpSocketChannel(ProtocolFamily family) {
        this(openSocket(checkTcp(family)));
    }

    /** A socket not yet connected. */
    private IocpSocketChannel(PortSocket socket) {
        super(socket);
        this.config = new IocpSocketChannelConfig(this, socket);
    }

    /** An accepted connection. */
    IocpSocketChannel(Channel parent, PortSocket accepted) {
        super(parent, accepted);
        this.config = new IocpSocketChannelConfig(this, accepted);
    }

    static ProtocolFamily checkTcp(ProtocolFamily family) {
        if (family == StandardProtocolFamily.UNIX) {
            throw new IllegalArgumentException("a TCP channel is INET or INET6; use IocpDomainSocketChannel for UNIX");
        }
        return family;
    }

    static PortSocket openSocket(ProtocolFamily family) {
        try {
            return Iocp.backend().openSocket(family);
        } catch (IOException e) {
            throw new ChannelException("failed to open a socket", e);
        }
    }

    @Override
    public ServerSocketChannel parent() {
        return (ServerSocketChannel) super.parent();
    }

    @Override
    public IocpSocketChannelConfig config() {
        return config;
    }

    /**
     * The kernel's view of this connection, as {@code EpollSocketChannel.tcpInfo()} gives it:
     * round-trip time, retransmissions, congestion window and the rest of {@link TcpInfo}. Each
     * call asks the kernel ({@code getsockopt(TCP_INFO)}); any thread may call it.
     *
     * @return the kernel's numbers for this connection, read now
     * @throws UnsupportedOperationException on a backend that cannot read TCP_INFO: the nio
     *         backend, as java.nio has no way to
     * @throws ChannelException if the channel is closed, or the kernel refuses
     */
    public TcpInfo tcpInfo() {
        if (!socket.supportedOptions().contains(PortSocketOptions.TCP_INFO)) {
            throw new UnsupportedOperationException("tcpInfo() is not supported by the " + Iocp.backendName()
                    + " backend: java.nio has no way to read TCP_INFO");
        }
        if (!isOpen()) {
            throw new ChannelException("tcpInfo() of a closed channel", new ClosedChannelException());
        }
        return SocketOptionAccess.get(socket, PortSocketOptions.TCP_INFO);
    }

    @Override
    int sendZeroCopyThreshold() {
        return config.getSendZeroCopyThreshold();
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }
}
