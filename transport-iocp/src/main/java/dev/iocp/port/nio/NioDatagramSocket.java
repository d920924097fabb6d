package dev.iocp.port.nio;

import dev.iocp.port.DatagramPortSocket;
import dev.iocp.port.Errno;
import dev.iocp.port.PortException;
import dev.iocp.port.ShutdownMode;
import dev.iocp.port.internal.SubmissionChecks;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.SelectableChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A UDP socket over a non-blocking {@link DatagramChannel}, made when the socket is opened (a
 * datagram socket has one role, unlike a TCP one: see {@link NioSocket}). The synchronous calls
 * go straight to the channel, which is thread-safe; the port's sends and receives run in
 * {@link DatagramOperations}.
 */
final class NioDatagramSocket extends NioSocket implements DatagramPortSocket {
    private final DatagramChannel channel;
    /** The memberships joined, by (group, interface, source): java.nio leaves a group through its key. */
    private final Map<List<Object>, MembershipKey> memberships = new HashMap<>();

    NioDatagramSocket(ProtocolFamily family) throws IOException {
        super(family);
        DatagramChannel opened;
        try {
            opened = DatagramChannel.open(family);
        } catch (UnsupportedOperationException e) {
            PortException failure = PortException.of("socket " + family, null, -Errno.EAFNOSUPPORT);
            failure.initCause(e);
            throw failure;
        }
        try {
            opened.configureBlocking(false);
        } catch (IOException e) {
            opened.close();
            throw e;
        }
        this.channel = opened;
    }

    DatagramChannel datagramChannel() {
        return channel;
    }

    @Override
    SelectableChannel channel() {
        return channel;
    }

    @Override
    public void bind(SocketAddress address) throws IOException {
        ensureOpen();
        Objects.requireNonNull(address, "local");
        SubmissionChecks.addressKind(family(), address);
        InetSocketAddress local = (InetSocketAddress) address;
        if (local.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + local);
        }
        if (family() == StandardProtocolFamily.INET && local.getAddress() instanceof Inet6Address) {
            throw PortException.of("bind", local, -Errno.EAFNOSUPPORT);
        }
        try {
            channel.bind(local);
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            throw NioErrors.exception("bind", local, e);
        }
    }

    @Override
    public void listen(int backlog) throws IOException {
        throw PortException.of("listen", localAddress(), -Errno.EOPNOTSUPP);
    }

    @Override
    public void connect(InetSocketAddress remote) throws IOException {
        ensureOpen();
        Objects.requireNonNull(remote, "remote");
        SubmissionChecks.sendTarget(this, remote);
        try {
            channel.connect(remote);
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            throw NioErrors.exception("connect", remote, e);
        }
    }

    @Override
    public void disconnect() throws IOException {
        ensureOpen();
        channel.disconnect();
    }

    @Override
    public void joinGroup(InetAddress group, NetworkInterface networkInterface, InetAddress source) throws IOException {
        ensureOpen();
        List<Object> membership = membership(group, networkInterface, source);
        MembershipKey key;
        try {
            key = source == null ? channel.join(group, networkInterface) : channel.join(group, networkInterface, source);
        } catch (IOException | IllegalStateException e) {
            throw NioErrors.exception("join " + group.getHostAddress() + " on " + networkInterface.getName(), null, e);
        }
        synchronized (memberships) {
            memberships.put(membership, key);
        }
    }

    @Override
    public void leaveGroup(InetAddress group, NetworkInterface networkInterface, InetAddress source) throws IOException {
        ensureOpen();
        MembershipKey key;
        synchronized (memberships) {
            key = memberships.remove(membership(group, networkInterface, source));
        }
        if (key == null) {
            throw PortException.of("leave " + group.getHostAddress() + " on " + networkInterface.getName()
                    + " (not joined)", null, -Errno.EADDRNOTAVAIL); // as the kernel says for a group not joined
        }
        key.drop();
    }

    private static List<Object> membership(InetAddress group, NetworkInterface networkInterface, InetAddress source) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(networkInterface, "networkInterface");
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException(group.getHostAddress() + " is not a multicast address");
        }
        return source == null ? List.of(group, networkInterface) : List.of(group, networkInterface, source);
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        ensureOpen();
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (ClosedChannelException e) {
            return null;
        }
    }

    @Override
    public InetSocketAddress remoteAddress() throws IOException {
        ensureOpen();
        try {
            return (InetSocketAddress) channel.getRemoteAddress();
        } catch (ClosedChannelException e) {
            return null;
        }
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        ensureOpen();
        checkSupported(option);
        try {
            channel.setOption(option, value);
        } catch (IOException e) {
            throw NioErrors.exception("setsockopt " + option.name() + "=" + value, null, e);
        }
    }

    @Override
    public <T> T getOption(SocketOption<T> option) throws IOException {
        ensureOpen();
        checkSupported(option);
        return channel.getOption(option);
    }

    private void checkSupported(SocketOption<?> option) {
        if (!channel.supportedOptions().contains(Objects.requireNonNull(option, "option"))) {
            throw new UnsupportedOperationException("socket option " + option.name()
                    + " is not supported by nio datagram sockets; supported: " + channel.supportedOptions());
        }
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return channel.supportedOptions();
    }

    @Override
    public void shutdown(ShutdownMode mode) throws IOException {
        throw PortException.of("shutdown " + mode, null, -Errno.EOPNOTSUPP);
    }

    @Override
    IOException closeUnwatched() {
        try {
            channel.close();
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    @Override
    public String toString() {
        return "NioDatagramSocket[" + family() + ", " + state + ", " + channel + "]";
    }
}
