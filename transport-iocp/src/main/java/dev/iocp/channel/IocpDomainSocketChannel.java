package dev.iocp.channel;

import dev.iocp.port.PeerCredentials;
import dev.iocp.port.PortSocket;
import io.netty.channel.Channel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;

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
 * <p><b>Passing descriptors</b> (io_uring backend only: the JDK's channels, which the nio backend
 * uses, have no {@code SCM_RIGHTS}). Writing any {@link FileDescriptor} (Netty's own, or an
 * {@link IocpFileDescriptor} received) sends its number in one message with one data byte, as
 * epoll does, in its place among the other writes; the write completes when the send does. The
 * descriptor stays the writer's, who may close it as soon as write() has returned on the event
 * loop (the port sends a duplicate made then). In
 * {@link DomainSocketReadMode#FILE_DESCRIPTORS} the channel's reads receive descriptors and fire
 * each as an {@link IocpFileDescriptor} ({@link DescriptorReads}). On nio the mode is refused and
 * a FileDescriptor write fails, with {@link UnsupportedOperationException}.
 *
 * <p>It does not implement Netty's {@code DomainSocketChannel}: that interface's {@code fd()}
 * returns a native {@code FileDescriptor}, which the nio backend does not have and which would
 * let callers close or write the descriptor behind the port's back. Its config does implement
 * {@link io.netty.channel.unix.DomainSocketChannelConfig}.
 */
public class IocpDomainSocketChannel extends AbstractIocpStreamChannel {
    private final IocpDomainSocketChannelConfig config;
    /** Made when the read mode is first set to FILE_DESCRIPTORS (from any thread); null before. */
    private volatile DescriptorReads descriptorReads;

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

    /** Whether this channel's port can pass descriptors; before registration, the selected backend's answer. */
    boolean passesDescriptors() {
        IocpIoRegistration r = registration;
        return r != null ? r.passesDescriptors() : Iocp.backend().passesDescriptors();
    }

    @Override
    DescriptorReads descriptorReads() {
        return descriptorReads;
    }

    /** The config's read mode changed: it takes effect on the next read ({@link DescriptorReads#readModeChanged}). */
    void readModeChanged(DomainSocketReadMode mode) {
        if (mode == DomainSocketReadMode.FILE_DESCRIPTORS && descriptorReads == null) {
            synchronized (this) {
                if (descriptorReads == null) {
                    descriptorReads = new DescriptorReads(this);
                }
            }
        }
        DescriptorReads reads = descriptorReads;
        if (reads != null && isRegistered()) {
            StreamInputUnsafe unsafe = (StreamInputUnsafe) unsafe();
            if (eventLoop().inEventLoop()) {
                reads.readModeChanged(unsafe);
            } else {
                eventLoop().execute(() -> reads.readModeChanged(unsafe));
            }
        }
    }

    /**
     * Any {@link FileDescriptor} is sent (see the class comment); refused with
     * {@link UnsupportedOperationException} where the port passes no descriptors.
     */
    @Override
    boolean sendsDescriptor(Object msg) {
        if (!(msg instanceof FileDescriptor)) {
            return false;
        }
        if (!passesDescriptors()) {
            throw new UnsupportedOperationException("writing a FileDescriptor (SCM_RIGHTS) needs the io_uring backend: "
                    + "the nio backend's JDK channels cannot send descriptors");
        }
        return true;
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
     * @return the peer's process id, user id and group id, as the kernel recorded them at connect
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
