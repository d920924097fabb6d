package dev.iocp.port.uring;

import dev.iocp.port.DatagramPortSocket;
import dev.iocp.port.Errno;
import dev.iocp.port.PortException;
import dev.iocp.port.internal.SubmissionChecks;
import dev.iocp.port.uring.sys.Sockaddr;
import dev.iocp.port.uring.sys.SocketLayouts;
import dev.iocp.port.uring.sys.Syscalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Set;

import static dev.iocp.port.uring.sys.LinuxConstants.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A UDP socket as a file descriptor: the synchronous calls datagram sockets add (connect,
 * disconnect, multicast membership) and their options. Its operations are
 * {@link DatagramSubmissions}'.
 *
 * <p>Options an IPv4 datagram can be sent with (the multicast ones) are set at both levels on
 * an IPv6 socket, as the JDK does: such a socket is dual-stack and may send either.
 */
final class UringDatagramSocket extends UringSocket implements DatagramPortSocket {

    static final Set<SocketOption<?>> SUPPORTED = Set.of(
            StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_REUSEPORT,
            StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.IP_TOS,
            StandardSocketOptions.SO_BROADCAST, StandardSocketOptions.IP_MULTICAST_IF,
            StandardSocketOptions.IP_MULTICAST_TTL, StandardSocketOptions.IP_MULTICAST_LOOP);

    /**
     * The interface set with IP_MULTICAST_IF, or null: the kernel reads back only an IPv4
     * address for it (and an index for IPv6), so the interface given is kept to be returned.
     */
    private volatile NetworkInterface multicastInterface;

    UringDatagramSocket(int fd, ProtocolFamily family) {
        super(fd, family);
    }

    @Override
    public void listen(int backlog) throws IOException {
        throw PortException.of("listen", localAddress(), -Errno.EOPNOTSUPP);
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) super.localAddress(); // an INET or INET6 socket's
    }

    /** Asked each time: unlike a connection's, a datagram socket's peer changes with connect and disconnect. */
    @Override
    public InetSocketAddress remoteAddress() throws IOException {
        return (InetSocketAddress) name(false, null); // an INET or INET6 socket's
    }

    @Override
    public void connect(InetSocketAddress remote) throws IOException {
        ensureOpen();
        Objects.requireNonNull(remote, "remote");
        SubmissionChecks.sendTarget(this, remote);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(Sockaddr.MAX_SIZE, 8);
            int length = Sockaddr.encode(address, 0, remote, domain);
            int rc = Syscalls.connect(fd, address.address(), length);
            if (rc < 0) {
                throw PortException.of("connect", remote, rc);
            }
        }
    }

    /**
     * {@code connect(2)} to an {@code AF_UNSPEC} address dissolves the association ({@code udp(7)}).
     *
     * <p>Linux's {@code __udp_disconnect} also unbinds a socket whose port the kernel chose (a
     * bind to port 0, or connect's own bind): the port is released and reads back as 0, and the
     * socket receives nothing until a send binds it again. As the JDK repairs it, the socket is
     * then bound again to the port it had (on the address it has now: the wildcard, unless a
     * bind fixed one); given explicitly, the port stays across later disconnects.
     */
    @Override
    public void disconnect() throws IOException {
        ensureOpen();
        InetSocketAddress before = (InetSocketAddress) name(true, null);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(Sockaddr.MAX_SIZE, 8); // zeroed: family AF_UNSPEC
            int rc = Syscalls.connect(fd, address.address(), (int) Sockaddr.MAX_SIZE);
            if (rc < 0) {
                throw new PortException("disconnect(fd " + fd + "): " + Errno.describe(rc), rc);
            }
        }
        InetSocketAddress after = (InetSocketAddress) name(true, null); // null: the wildcard and port 0
        if (before != null && before.getPort() != 0 && (after == null || after.getPort() == 0)) {
            InetAddress address = after != null ? after.getAddress() : wildcard();
            bind(new InetSocketAddress(address, before.getPort()));
        }
    }

    /** The wildcard address of this socket's family. */
    private InetAddress wildcard() throws UnknownHostException {
        return InetAddress.getByAddress(new byte[domain == AF_INET6 ? 16 : 4]);
    }

    @Override
    public void joinGroup(InetAddress group, NetworkInterface networkInterface, InetAddress source) throws IOException {
        membership(true, group, networkInterface, source);
    }

    @Override
    public void leaveGroup(InetAddress group, NetworkInterface networkInterface, InetAddress source) throws IOException {
        membership(false, group, networkInterface, source);
    }

    /**
     * One protocol-independent request for both families (RFC 3678): at IPPROTO_IP for an IPv4
     * group, which a dual-stack socket takes too, at IPPROTO_IPV6 for an IPv6 one.
     */
    private void membership(boolean join, InetAddress group, NetworkInterface networkInterface, InetAddress source)
            throws IOException {
        ensureOpen();
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(networkInterface, "networkInterface");
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException(group.getHostAddress() + " is not a multicast address");
        }
        boolean v4 = group instanceof Inet4Address;
        if (!v4 && domain == AF_INET) {
            throw new IllegalArgumentException("an INET socket cannot join the IPv6 group " + group.getHostAddress());
        }
        if (source != null && (source instanceof Inet4Address) != v4) {
            throw new IllegalArgumentException("source " + source.getHostAddress() + " is not of the group's family");
        }
        int level = v4 ? IPPROTO_IP : IPPROTO_IPV6;
        int family = v4 ? AF_INET : AF_INET6;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment request;
            int name;
            if (source == null) {
                request = arena.allocate(SocketLayouts.GROUP_REQ);
                request.set(JAVA_INT, SocketLayouts.GR_INTERFACE, networkInterface.getIndex());
                Sockaddr.encode(request, SocketLayouts.GR_GROUP, new InetSocketAddress(group, 0), family);
                name = join ? MCAST_JOIN_GROUP : MCAST_LEAVE_GROUP;
            } else {
                request = arena.allocate(SocketLayouts.GROUP_SOURCE_REQ);
                request.set(JAVA_INT, SocketLayouts.GSR_INTERFACE, networkInterface.getIndex());
                Sockaddr.encode(request, SocketLayouts.GSR_GROUP, new InetSocketAddress(group, 0), family);
                Sockaddr.encode(request, SocketLayouts.GSR_SOURCE, new InetSocketAddress(source, 0), family);
                name = join ? MCAST_JOIN_SOURCE_GROUP : MCAST_LEAVE_SOURCE_GROUP;
            }
            int rc = Syscalls.setsockopt(fd, level, name, request.address(), (int) request.byteSize());
            if (rc < 0) {
                throw new PortException((join ? "join " : "leave ") + group.getHostAddress()
                        + (source == null ? "" : " from " + source.getHostAddress()) + " on " + networkInterface.getName()
                        + ": " + Errno.describe(rc), rc);
            }
        }
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        ensureOpen();
        checkSupported(option);
        if (option == StandardSocketOptions.SO_BROADCAST) {
            setInt(SOL_SOCKET, SO_BROADCAST, (Boolean) value ? 1 : 0, option, value);
        } else if (option == StandardSocketOptions.IP_MULTICAST_TTL) {
            int ttl = (Integer) value;
            if (ttl < 0 || ttl > 255) {
                throw new IllegalArgumentException("IP_MULTICAST_TTL must be 0 to 255: " + ttl);
            }
            setBothLevels(IP_MULTICAST_TTL, IPV6_MULTICAST_HOPS, ttl, option, value);
        } else if (option == StandardSocketOptions.IP_MULTICAST_LOOP) {
            setBothLevels(IP_MULTICAST_LOOP, IPV6_MULTICAST_LOOP, (Boolean) value ? 1 : 0, option, value);
        } else if (option == StandardSocketOptions.IP_MULTICAST_IF) {
            NetworkInterface networkInterface = (NetworkInterface) Objects.requireNonNull(value, "IP_MULTICAST_IF");
            setMulticastInterface(networkInterface);
            multicastInterface = networkInterface;
        } else {
            super.setOption(option, value);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(SocketOption<T> option) throws IOException {
        ensureOpen();
        checkSupported(option);
        if (option == StandardSocketOptions.SO_BROADCAST) {
            return (T) Boolean.valueOf(getInt(SOL_SOCKET, SO_BROADCAST, option) != 0);
        } else if (option == StandardSocketOptions.IP_MULTICAST_TTL) {
            return (T) Integer.valueOf(domain == AF_INET6 ? getInt(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, option)
                    : getInt(IPPROTO_IP, IP_MULTICAST_TTL, option));
        } else if (option == StandardSocketOptions.IP_MULTICAST_LOOP) {
            return (T) Boolean.valueOf((domain == AF_INET6 ? getInt(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, option)
                    : getInt(IPPROTO_IP, IP_MULTICAST_LOOP, option)) != 0);
        } else if (option == StandardSocketOptions.IP_MULTICAST_IF) {
            return (T) multicastInterface;
        }
        return super.getOption(option);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return SUPPORTED;
    }

    private static void checkSupported(SocketOption<?> option) {
        if (!SUPPORTED.contains(Objects.requireNonNull(option, "option"))) {
            throw new UnsupportedOperationException("socket option " + option.name()
                    + " is not supported by io_uring datagram sockets; supported: " + SUPPORTED);
        }
    }

    /** IPv4's option on an INET socket; IPv6's, then IPv4's for the IPv4 datagrams it may send, on an INET6 one. */
    private void setBothLevels(int ipv4Name, int ipv6Name, int value, SocketOption<?> option, Object asGiven)
            throws PortException {
        if (domain == AF_INET6) {
            setInt(IPPROTO_IPV6, ipv6Name, value, option, asGiven);
        }
        setInt(IPPROTO_IP, ipv4Name, value, option, asGiven);
    }

    private void setMulticastInterface(NetworkInterface networkInterface) throws PortException {
        int index = networkInterface.getIndex();
        if (domain == AF_INET6) {
            setInt(IPPROTO_IPV6, IPV6_MULTICAST_IF, index, StandardSocketOptions.IP_MULTICAST_IF, networkInterface);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment request = arena.allocate(SocketLayouts.IP_MREQN); // zeroed: no group, any local address
            request.set(JAVA_INT, SocketLayouts.IMR_IFINDEX, index);
            int rc = Syscalls.setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, request.address(), (int) request.byteSize());
            if (rc < 0) {
                throw new PortException("setsockopt(IP_MULTICAST_IF=" + networkInterface.getName() + "): "
                        + Errno.describe(rc), rc);
            }
        }
    }

    private void setInt(int level, int name, int value, SocketOption<?> option, Object asGiven) throws PortException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, value);
            int rc = Syscalls.setsockopt(fd, level, name, v.address(), 4);
            if (rc < 0) {
                throw new PortException("setsockopt(" + option.name() + "=" + asGiven + "): " + Errno.describe(rc), rc);
            }
        }
    }

    private int getInt(int level, int name, SocketOption<?> option) throws PortException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            MemorySegment length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, 4);
            int rc = Syscalls.getsockopt(fd, level, name, v.address(), length.address());
            if (rc < 0) {
                throw new PortException("getsockopt(" + option.name() + "): " + Errno.describe(rc), rc);
            }
            // IP_MULTICAST_TTL and _LOOP may come back as one byte (ip(7)); the rest of the int is 0.
            return v.get(JAVA_INT, 0);
        }
    }

    @Override
    public String toString() {
        return "UringDatagramSocket[fd=" + fd + ", " + family() + ", " + state + "]";
    }
}
