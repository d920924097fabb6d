package dev.iocp.port.uring;

import dev.iocp.port.PortSocketOptions;
import jdk.net.ExtendedSocketOptions;

import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static dev.iocp.port.uring.sys.LinuxConstants.*;

/**
 * The socket options an io_uring socket supports, mapped to {@code setsockopt(2)} levels and
 * names. IP_TOS is special-cased by {@link UringSocket}: on an IPv6 socket it is IPV6_TCLASS.
 */
final class UringSocketOptions {

    /** How the value crosses the syscall boundary. */
    enum Kind { BOOLEAN, INT, LINGER }

    record Mapping(int level, int name, Kind kind) {
    }

    static final Map<SocketOption<?>, Mapping> MAPPINGS;

    static {
        Map<SocketOption<?>, Mapping> m = new LinkedHashMap<>();
        m.put(StandardSocketOptions.SO_REUSEADDR, new Mapping(SOL_SOCKET, SO_REUSEADDR, Kind.BOOLEAN));
        m.put(StandardSocketOptions.SO_REUSEPORT, new Mapping(SOL_SOCKET, SO_REUSEPORT, Kind.BOOLEAN));
        m.put(StandardSocketOptions.SO_KEEPALIVE, new Mapping(SOL_SOCKET, SO_KEEPALIVE, Kind.BOOLEAN));
        m.put(StandardSocketOptions.SO_LINGER, new Mapping(SOL_SOCKET, SO_LINGER, Kind.LINGER));
        m.put(StandardSocketOptions.SO_RCVBUF, new Mapping(SOL_SOCKET, SO_RCVBUF, Kind.INT));
        m.put(StandardSocketOptions.SO_SNDBUF, new Mapping(SOL_SOCKET, SO_SNDBUF, Kind.INT));
        m.put(StandardSocketOptions.IP_TOS, new Mapping(IPPROTO_IP, IP_TOS, Kind.INT));
        m.put(StandardSocketOptions.TCP_NODELAY, new Mapping(IPPROTO_TCP, TCP_NODELAY, Kind.BOOLEAN));
        m.put(ExtendedSocketOptions.TCP_KEEPIDLE, new Mapping(IPPROTO_TCP, TCP_KEEPIDLE, Kind.INT));
        m.put(ExtendedSocketOptions.TCP_KEEPINTERVAL, new Mapping(IPPROTO_TCP, TCP_KEEPINTVL, Kind.INT));
        m.put(ExtendedSocketOptions.TCP_KEEPCOUNT, new Mapping(IPPROTO_TCP, TCP_KEEPCNT, Kind.INT));
        m.put(ExtendedSocketOptions.TCP_QUICKACK, new Mapping(IPPROTO_TCP, TCP_QUICKACK, Kind.BOOLEAN));
        m.put(PortSocketOptions.TCP_USER_TIMEOUT, new Mapping(IPPROTO_TCP, TCP_USER_TIMEOUT, Kind.INT));
        m.put(PortSocketOptions.TCP_FASTOPEN, new Mapping(IPPROTO_TCP, TCP_FASTOPEN, Kind.INT));
        m.put(PortSocketOptions.TCP_FASTOPEN_CONNECT, new Mapping(IPPROTO_TCP, TCP_FASTOPEN_CONNECT, Kind.BOOLEAN));
        MAPPINGS = Collections.unmodifiableMap(m);
    }

    static final Set<SocketOption<?>> SUPPORTED = MAPPINGS.keySet();

    /**
     * The options of {@link #SUPPORTED} a Unix-domain socket takes: the socket-level ones that
     * mean something there. SO_REUSEADDR and SO_REUSEPORT are accepted by the kernel but do
     * nothing for AF_UNIX (a path in use is EADDRINUSE whatever they say), SO_KEEPALIVE has no
     * probes to send; the IP and TCP ones fail with EOPNOTSUPP or ENOPROTOOPT.
     */
    static final Set<SocketOption<?>> UNIX_SUPPORTED = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(
            java.util.List.of(StandardSocketOptions.SO_LINGER, StandardSocketOptions.SO_RCVBUF,
                    StandardSocketOptions.SO_SNDBUF)));

    private UringSocketOptions() {
    }

    static Mapping mapping(SocketOption<?> option) {
        Mapping mapping = MAPPINGS.get(option);
        if (mapping == null) {
            throw new UnsupportedOperationException("socket option " + option.name()
                    + " is not supported by io_uring sockets; supported: " + SUPPORTED);
        }
        return mapping;
    }
}
