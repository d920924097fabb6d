package dev.iocp.channel;

import dev.iocp.port.PeerCredentials;
import dev.iocp.port.PortSocket;
import io.netty.channel.Channel;
import io.netty.channel.unix.DomainSocketAddress;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ClosedChannelException;

/**
 * A Unix-domain stream connection on a completion port: what {@code EpollDomainSocketChannel}
 * and {@code NioDomainSocketChannel} are to their transports. The stream itself (connect, reads,
 * writes, half-closure, file regions) is {@link AbstractIocpStreamChannel}'s, as for TCP.
 *
 * <p>It binds and connects to a Netty {@link DomainSocketAddress} or a JDK
 * {@link java.net.UnixDomainSocketAddress}, and reports Netty's type; a Netty path starting with
 * NUL names Linux's abstract namespace (io_uring backend only: the JDK's channels, which the nio
 * backend uses, have none). An unnamed end (a client that never bound) reports the empty path.
 *
 * <p>It does not implement Netty's {@code DomainSocketChannel}: that interface's {@code fd()}
 * returns a native {@code FileDescriptor}, which the nio backend does not have and which would
 * let callers close or write the descriptor behind the port's back. Its config does implement
 * {@link io.netty.channel.unix.DomainSocketChannelConfig}; receiving file descriptors
 * ({@code DomainSocketReadMode.FILE_DESCRIPTORS}) is not supported.
 */
public class IocpDomainSocketChannel extends AbstractIocpStreamChannel {
    private final IocpDomainSocketChannelConfig config;

    /** A new, unconnected Unix-domain socket. */
    public IocpDomainSocketChannel() {
        this(IocpSocketChannel.openSocket(StandardProtocolFamily.UNIX));
    }

    private IocpDomainSocketChannel(PortSocket socket) {
        super(socket);
        this.config = new IocpDomainSocketChannelConfig(this, socket);
    }

    /** An accepted connection. */
    IocpDomainSocketChannel(Channel parent, PortSocket accepted) {
        super(parent, accepted);
        this.config = new IocpDomainSocketChannelConfig(this, accepted);
    }

    @Override
    public IocpServerDomainSocketChannel parent() {
        return (IocpServerDomainSocketChannel) super.parent();
    }

    @Override
    public IocpDomainSocketChannelConfig config() {
        return config;
    }

    /** Linux has no zero-copy sends on AF_UNIX sockets (MSG_ZEROCOPY is TCP's and UDP's). */
    @Override
    int sendZeroCopyThreshold() {
        return -1;
    }

    @Override
    SocketAddress portAddress(SocketAddress address) {
        return DomainSocketAddresses.toPort(address);
    }

    @Override
    protected SocketAddress localAddress0() {
        return DomainSocketAddresses.toNetty(local);
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return DomainSocketAddresses.toNetty(remote);
    }

    @Override
    public DomainSocketAddress localAddress() {
        return (DomainSocketAddress) super.localAddress();
    }

    @Override
    public DomainSocketAddress remoteAddress() {
        return (DomainSocketAddress) super.remoteAddress();
    }

    /**
     * The process at the other end, as the kernel recorded it when the connection was made
     * ({@code SO_PEERCRED}).
     *
     * @throws UnsupportedOperationException on the nio backend, whose JDK channels report no
     *                                       process id
     * @throws IOException                   if the socket is not connected or closed
     */
    public PeerCredentials peerCredentials() throws IOException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
        return socket.peerCredentials();
    }
}
