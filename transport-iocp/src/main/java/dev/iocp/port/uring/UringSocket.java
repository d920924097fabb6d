package dev.iocp.port.uring;

import dev.iocp.port.Errno;
import dev.iocp.port.PeerCredentials;
import dev.iocp.port.PortException;
import dev.iocp.port.PortSocket;
import dev.iocp.port.ShutdownMode;
import dev.iocp.port.internal.SubmissionChecks;
import dev.iocp.port.TcpInfo;
import dev.iocp.port.uring.sys.LinuxConstants;
import dev.iocp.port.uring.sys.Sockaddr;
import dev.iocp.port.uring.sys.SockaddrUn;
import dev.iocp.port.uring.sys.Syscalls;
import dev.iocp.port.uring.sys.TcpInfoLayout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.util.Objects;
import java.util.Set;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A stream socket, TCP or Unix-domain, as a file descriptor. The synchronous calls run here; the
 * asynchronous ones are submitted by {@link IoUringPort}, which also keeps the bookkeeping that a
 * close needs: how many operations are in flight, and the close completion held back until they
 * have all completed. {@link UringDatagramSocket} is the UDP one, with the same bookkeeping.
 */
class UringSocket implements PortSocket {
    enum State { OPEN, CLOSING, CLOSED }

    /** The port it is registered with; null before. */
    IoUringPort port;
    final int fd;
    final int domain;
    private final ProtocolFamily family;

    long key;
    /** Volatile: channels read isOpen() from any thread. */
    volatile State state = State.OPEN;
    int inFlight;
    /**
     * Send-files in flight ({@link SpliceSends}): their splices look the socket's descriptor up
     * when io-wq runs them, so its close waits for them as for a lingering close.
     */
    int splicing;
    /**
     * Sends of link chains in flight ({@link DatagramSubmissions#sendChain}): the kernel looks a
     * linked request's descriptor up only when its turn comes, so the close waits for them too.
     */
    int linkedSends;
    /** Whether the last receive left data queued (IORING_CQE_F_SOCK_NONEMPTY). */
    boolean inputPending;
    /** The stream receive armed on this socket, or 0. */
    long streamId;
    /** The cancel that asked the stream receive to stop, or 0: the port must not re-arm it. */
    long streamCancelId;
    /**
     * The cancel for which the port ended the last stream itself, instead of re-arming it, or 0:
     * that cancel reports finding the stream, though the kernel's request was gone.
     */
    long streamEndedForCancel;
    /**
     * Zero-copy sends whose result is in and whose notification is owed: they no longer hold the
     * file, so they are not in {@link #inFlight}, but the CLOSE completion waits for them.
     */
    int notificationsOwed;
    /** The watch of the stream receive (a poll for a reset or hang-up) is in the kernel. */
    boolean streamWatched;
    /** The port has asked the kernel to cancel the watch. */
    boolean streamWatchCancelled;
    /** The stream's last request has ended with {@link #streamEndResult}: its end waits for the watch. */
    boolean streamEnding;
    int streamEndResult;
    /** The watch saw a reset or hang-up: the stream goes on in single shots, which see it. */
    boolean streamHungUp;
    /** The port cancelled the stream's multishot request to re-arm it as a single shot. */
    boolean streamRearming;
    /** Single-shot receives in flight (a stream receive is refused beside them). */
    int receivesInFlight;
    /** A CLOSE completion that came in while operations were still in flight. */
    long heldCloseId;
    int heldCloseResult;
    /**
     * A lingering socket's CLOSE, submitted (acquired, its id returned) but not yet handed to
     * the kernel: it waits for the socket's cancelled operations to let go of the file.
     */
    long deferredCloseId;
    /**
     * SO_LINGER is on with a time above 0, set here or inherited from the listener that accepted
     * this socket: its last close blocks until the peer acknowledges what is unsent, or the time
     * runs out. Volatile: options may be set from any thread.
     */
    volatile boolean lingersOnClose;
    /**
     * The peer, once known: from the accept that made this socket, or from the first
     * getpeername that found one. A connection's peer never changes, and a reset one makes
     * getpeername fail with ENOTCONN, so the address is kept rather than asked for again.
     */
    private volatile SocketAddress peer;
    /** An accepted connection's local address (it never changes), found when it was adopted; else null. */
    private volatile SocketAddress local;
    /**
     * On a listener: the local address of the connection it accepted last, which the next shares
     * where it is the same ({@link Sockaddr#decode(MemorySegment, long, InetSocketAddress)}).
     */
    private SocketAddress lastAcceptedLocal;
    /**
     * On a listener: the operation slot its last accept used, kept for the next one
     * ({@link OperationTable#park}), or -1.
     */
    int parkedAcceptSlot = -1;
    /** Links of {@link RegisteredSockets}: the port's other registered sockets. */
    UringSocket previousRegistered;
    UringSocket nextRegistered;

    UringSocket(int fd, ProtocolFamily family) {
        this(fd, family, null);
    }

    /** A socket whose peer is already known: an accepted connection. */
    UringSocket(int fd, ProtocolFamily family, SocketAddress peer) {
        this.fd = fd;
        this.family = family;
        this.domain = domainOf(family);
        this.peer = peer;
    }

    private static int domainOf(ProtocolFamily family) {
        if (family == StandardProtocolFamily.INET) {
            return LinuxConstants.AF_INET;
        }
        if (family == StandardProtocolFamily.INET6) {
            return LinuxConstants.AF_INET6;
        }
        if (family == StandardProtocolFamily.UNIX) {
            return LinuxConstants.AF_UNIX;
        }
        throw new UnsupportedOperationException("io_uring sockets are INET, INET6 or UNIX, not " + family);
    }

    /** Opens a non-blocking stream socket; an IPv6 one is made dual-stack. */
    static int openDescriptor(ProtocolFamily family) throws PortException {
        return openDescriptor(family, LinuxConstants.SOCK_STREAM);
    }

    /**
     * Opens a non-blocking socket of {@code type} ({@code SOCK_STREAM} or {@code SOCK_DGRAM});
     * an IPv6 one is made dual-stack. Unix-domain sockets are streams only here.
     */
    static int openDescriptor(ProtocolFamily family, int type) throws PortException {
        int domain = domainOf(family);
        if (domain == LinuxConstants.AF_UNIX && type != LinuxConstants.SOCK_STREAM) {
            throw new UnsupportedOperationException("io_uring Unix-domain sockets are streams; datagram sockets are"
                    + " INET or INET6, not " + family);
        }
        int fd = Syscalls.socket(domain, type | LinuxConstants.SOCK_NONBLOCK | LinuxConstants.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new PortException("socket(" + family + "): " + Errno.describe(fd), fd);
        }
        if (domain == LinuxConstants.AF_INET6) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment zero = arena.allocate(JAVA_INT);
                int rc = Syscalls.setsockopt(fd, LinuxConstants.IPPROTO_IPV6, LinuxConstants.IPV6_V6ONLY, zero.address(), 4);
                if (rc < 0) {
                    Syscalls.close(fd);
                    throw new PortException("setsockopt(IPV6_V6ONLY=0): " + Errno.describe(rc), rc);
                }
            }
        }
        return fd;
    }

    @Override
    public ProtocolFamily family() {
        return family;
    }

    void ensureOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("socket is " + (state == State.CLOSING ? "closing" : "closed") + ": fd " + fd);
        }
    }

    /** Refuses another receive beside the stream receive, which would take its data. */
    void ensureNoStream() {
        if (streamId != 0) {
            throw new IllegalStateException(this + " has a stream receive in flight: no other receive beside it");
        }
    }

    boolean isUnixDomain() {
        return domain == LinuxConstants.AF_UNIX;
    }

    /**
     * Writes {@code address} for the kernel at {@code offset} of {@code segment}, which has
     * {@link #sockaddrSize()} bytes of room there.
     *
     * @return its length
     */
    int encode(MemorySegment segment, long offset, SocketAddress address) {
        SubmissionChecks.addressKind(family, address);
        return isUnixDomain() ? SockaddrUn.encode(segment, offset, address)
                : Sockaddr.encode(segment, offset, (InetSocketAddress) address, domain);
    }

    /** The room a sockaddr of this socket's family takes. */
    int sockaddrSize() {
        return isUnixDomain() ? SockaddrUn.SIZE : Sockaddr.MAX_SIZE;
    }

    @Override
    public void bind(SocketAddress local) throws IOException {
        ensureOpen();
        Objects.requireNonNull(local, "local");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(sockaddrSize(), 8);
            int length = encode(address, 0, local);
            int rc = Syscalls.bind(fd, address.address(), length);
            if (rc < 0) {
                throw PortException.of("bind", local, rc);
            }
        }
    }

    @Override
    public void listen(int backlog) throws IOException {
        ensureOpen();
        int rc = Syscalls.listen(fd, backlog);
        if (rc < 0) {
            throw PortException.of("listen", localAddress(), rc);
        }
    }

    @Override
    public SocketAddress localAddress() throws IOException {
        SocketAddress known = local;
        if (known != null) {
            ensureOpen();
            return known;
        }
        return name(true, null);
    }

    /**
     * Finds the local address of {@code this}, a connection {@code listener} accepted, and keeps
     * it (sharing the listener's last one where it is the same).
     */
    void adoptedBy(UringSocket listener) {
        try {
            SocketAddress address = name(true, listener.lastAcceptedLocal);
            if (address != null) {
                local = address;
                listener.lastAcceptedLocal = address;
            }
        } catch (IOException e) {
            // The connection is gone already; localAddress() asks again, and reports it.
        }
    }

    @Override
    public SocketAddress remoteAddress() throws IOException {
        SocketAddress known = peer;
        if (known != null) {
            ensureOpen();
            return known;
        }
        SocketAddress asked = name(false, null);
        if (asked != null) {
            peer = asked;
        }
        return asked;
    }

    SocketAddress name(boolean local, SocketAddress like) throws IOException {
        ensureOpen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(sockaddrSize(), 8);
            MemorySegment length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, sockaddrSize());
            int rc = local ? Syscalls.getsockname(fd, address.address(), length.address())
                    : Syscalls.getpeername(fd, address.address(), length.address());
            if (rc == -Errno.ENOTCONN) {
                return null;
            }
            if (rc < 0) {
                throw new PortException((local ? "getsockname" : "getpeername") + "(fd " + fd + "): "
                        + Errno.describe(rc), rc);
            }
            if (isUnixDomain()) {
                SocketAddress decoded = SockaddrUn.decode(address, 0, length.get(JAVA_INT, 0));
                // An unbound socket is unnamed: null until it is connected, then the empty path, as the JDK says.
                return local && SockaddrUn.isUnnamed(decoded) && name(false, null) == null ? null : decoded;
            }
            InetSocketAddress decoded = Sockaddr.decode(address, 0, (InetSocketAddress) like);
            // An unbound socket reports the wildcard address with port 0.
            return local && decoded != null && decoded.getPort() == 0 && decoded.getAddress().isAnyLocalAddress()
                    ? null : decoded;
        }
    }

    @Override
    public PeerCredentials peerCredentials() throws IOException {
        ensureOpen();
        if (!isUnixDomain()) {
            throw new UnsupportedOperationException("peer credentials are those of a Unix-domain socket's peer; "
                    + this + " is " + family);
        }
        if (remoteAddress() == null) {
            // SO_PEERCRED would answer anyway: the socket's own credentials on a listener, none on
            // a socket never connected.
            throw new PortException("getsockopt(SO_PEERCRED, fd " + fd + "): " + Errno.describe(-Errno.ENOTCONN),
                    -Errno.ENOTCONN);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ucred = arena.allocate(12, 4); // struct ucred: pid_t, uid_t, gid_t
            MemorySegment length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, 12);
            int rc = Syscalls.getsockopt(fd, LinuxConstants.SOL_SOCKET, LinuxConstants.SO_PEERCRED, ucred.address(),
                    length.address());
            if (rc < 0) {
                throw new PortException("getsockopt(SO_PEERCRED, fd " + fd + "): " + Errno.describe(rc), rc);
            }
            return new PeerCredentials(ucred.get(JAVA_INT, 0), ucred.get(JAVA_INT, 4), ucred.get(JAVA_INT, 8));
        }
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        ensureOpen();
        UringSocketOptions.Mapping mapping = mappingFor(option);
        int first;
        int second = 0;
        switch (mapping.kind()) {
            case BOOLEAN -> first = (Boolean) value ? 1 : 0;
            case INT -> {
                first = (Integer) value;
                if (first < 0) {
                    throw new IllegalArgumentException(option.name() + " must not be negative: " + value);
                }
                if (option == StandardSocketOptions.IP_TOS && first > 255) {
                    // The kernel would keep the low byte; refused, as the nio backend refuses it.
                    throw new IllegalArgumentException("IP_TOS is one byte: " + value);
                }
            }
            case UINT32 -> {
                long unsigned = (Long) value;
                if (unsigned < 0 || unsigned > 0xFFFF_FFFFL) {
                    throw new IllegalArgumentException(option.name() + " must be from 0 to 4294967295: " + value);
                }
                first = (int) unsigned;
            }
            case LINGER -> {
                int seconds = (Integer) value;
                first = seconds >= 0 ? 1 : 0;
                second = Math.max(seconds, 0);
            }
            case TCP_INFO -> throw new UnsupportedOperationException(option.name() + " is read-only");
            default -> throw new AssertionError(mapping.kind());
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(8, 4);
            v.set(JAVA_INT, 0, first);
            v.set(JAVA_INT, 4, second);
            int length = mapping.kind() == UringSocketOptions.Kind.LINGER ? 8 : 4;
            int rc = Syscalls.setsockopt(fd, mapping.level(), mapping.name(), v.address(), length);
            if (rc < 0) {
                throw new PortException("setsockopt(" + option.name() + "=" + value + "): " + Errno.describe(rc), rc);
            }
            if (option == StandardSocketOptions.IP_TOS && domain == LinuxConstants.AF_INET6) {
                // A dual-stack socket may carry IPv4 traffic too: set both, as the JDK does.
                Syscalls.setsockopt(fd, LinuxConstants.IPPROTO_IP, LinuxConstants.IP_TOS, v.address(), 4);
            }
            if (option == StandardSocketOptions.SO_LINGER) {
                lingersOnClose = first == 1 && second > 0;
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(SocketOption<T> option) throws IOException {
        ensureOpen();
        UringSocketOptions.Mapping mapping = mappingFor(option);
        if (mapping.kind() == UringSocketOptions.Kind.TCP_INFO) {
            return (T) tcpInfo(mapping);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(8, 4);
            MemorySegment length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, 8);
            int rc = Syscalls.getsockopt(fd, mapping.level(), mapping.name(), v.address(), length.address());
            if (rc < 0) {
                throw new PortException("getsockopt(" + option.name() + "): " + Errno.describe(rc), rc);
            }
            int first = v.get(JAVA_INT, 0);
            return (T) switch (mapping.kind()) {
                case BOOLEAN -> first != 0;
                case INT -> first;
                case UINT32 -> Integer.toUnsignedLong(first);
                case LINGER -> first != 0 ? v.get(JAVA_INT, 4) : -1;
                case TCP_INFO -> throw new AssertionError(mapping.kind());
            };
        }
    }

    /**
     * {@code getsockopt(TCP_INFO)}. The kernel copies as much of its struct as asked for and
     * fits; the memory starts zeroed, so a field a kernel did not fill reads 0.
     */
    private TcpInfo tcpInfo(UringSocketOptions.Mapping mapping) throws PortException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(TcpInfoLayout.LAYOUT);
            MemorySegment length = arena.allocate(JAVA_INT);
            length.set(JAVA_INT, 0, (int) TcpInfoLayout.SIZE);
            int rc = Syscalls.getsockopt(fd, mapping.level(), mapping.name(), info.address(), length.address());
            if (rc < 0) {
                throw new PortException("getsockopt(TCP_INFO, fd " + fd + "): " + Errno.describe(rc), rc);
            }
            return TcpInfoLayout.decode(info);
        }
    }

    private UringSocketOptions.Mapping mappingFor(SocketOption<?> option) {
        if (isUnixDomain() && !UringSocketOptions.UNIX_SUPPORTED.contains(option)) {
            throw new UnsupportedOperationException("socket option " + option.name()
                    + " does not apply to Unix-domain sockets; supported: " + UringSocketOptions.UNIX_SUPPORTED);
        }
        UringSocketOptions.Mapping mapping = UringSocketOptions.mapping(option);
        if (option == StandardSocketOptions.IP_TOS && domain == LinuxConstants.AF_INET6) {
            return new UringSocketOptions.Mapping(LinuxConstants.IPPROTO_IPV6, LinuxConstants.IPV6_TCLASS,
                    UringSocketOptions.Kind.INT);
        }
        return mapping;
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return isUnixDomain() ? UringSocketOptions.UNIX_SUPPORTED : UringSocketOptions.SUPPORTED;
    }

    @Override
    public void shutdown(ShutdownMode mode) throws IOException {
        ensureOpen();
        int rc = Syscalls.shutdown(fd, shutdownHow(mode));
        if (rc < 0) {
            throw new PortException("shutdown(" + mode + ", fd " + fd + "): " + Errno.describe(rc), rc);
        }
    }

    static int shutdownHow(ShutdownMode mode) {
        return switch (mode) {
            case INPUT -> LinuxConstants.SHUT_RD;
            case OUTPUT -> LinuxConstants.SHUT_WR;
            case BOTH -> LinuxConstants.SHUT_RDWR;
        };
    }

    @Override
    public boolean isOpen() {
        return state == State.OPEN;
    }

    @Override
    public int pendingOperations() {
        return inFlight;
    }

    @Override
    public void close() throws IOException {
        if (port != null) {
            port.checkOwner();
        }
        if (state != State.OPEN) {
            return;
        }
        if (inFlight > 0) {
            throw new IllegalStateException(inFlight + " operation(s) in flight on fd " + fd
                    + ": close it with CompletionPort.submitClose, which cancels them first");
        }
        closeDescriptor();
    }

    /** Closes the fd now; the caller has made sure the kernel holds no operation on it. */
    void closeDescriptor() throws PortException {
        state = State.CLOSED;
        if (port != null) {
            port.forget(this);
        }
        int rc = Syscalls.close(fd);
        if (rc < 0) {
            throw new PortException("close(fd " + fd + "): " + Errno.describe(rc), rc);
        }
    }

    @Override
    public String toString() {
        return "UringSocket[fd=" + fd + ", " + family + ", " + state + "]";
    }
}
