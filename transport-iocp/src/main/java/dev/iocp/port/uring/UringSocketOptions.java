package dev.iocp.port.uring;

import dev.iocp.port.PortSocketOptions;
import jdk.net.ExtendedSocketOptions;

import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.iocp.port.uring.sys.LinuxConstants.*;

/**
 * The socket options an io_uring socket supports, mapped to {@code setsockopt(2)} levels and
 * names. IP_TOS is special-cased by {@link UringSocket}: on an IPv6 socket it is IPV6_TCLASS.
 */
final class UringSocketOptions {

    /** How the value crosses the syscall boundary. */
    enum Kind {
        /** An int, 0 or 1. */
        BOOLEAN,
        /** An int, never negative. */
        INT,
        /** An int the kernel reads as unsigned: a {@code Long} from 0 to 2^32 - 1. */
        UINT32,
        /** {@code struct linger}. */
        LINGER,
        /** {@code struct tcp_info}, read-only. */
        TCP_INFO
    }

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
        m.put(PortSocketOptions.TCP_CORK, new Mapping(IPPROTO_TCP, TCP_CORK, Kind.BOOLEAN));
        m.put(PortSocketOptions.TCP_NOTSENT_LOWAT, new Mapping(IPPROTO_TCP, TCP_NOTSENT_LOWAT, Kind.UINT32));
        m.put(PortSocketOptions.TCP_DEFER_ACCEPT, new Mapping(IPPROTO_TCP, TCP_DEFER_ACCEPT, Kind.INT));
        // IP-level options on a dual-stack INET6 socket: Linux passes SOL_IP through to the IPv4
        // code there (ipv6_setsockopt), and these flags live in the socket both families share.
        m.put(PortSocketOptions.IP_FREEBIND, new Mapping(IPPROTO_IP, IP_FREEBIND, Kind.BOOLEAN));
        m.put(PortSocketOptions.IP_TRANSPARENT, new Mapping(IPPROTO_IP, IP_TRANSPARENT, Kind.BOOLEAN));
        m.put(PortSocketOptions.IP_BIND_ADDRESS_NO_PORT, new Mapping(IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, Kind.BOOLEAN));
        m.put(PortSocketOptions.SO_BUSY_POLL, new Mapping(SOL_SOCKET, SO_BUSY_POLL, Kind.INT));
        m.put(PortSocketOptions.TCP_INFO, new Mapping(IPPROTO_TCP, TCP_INFO, Kind.TCP_INFO));
        MAPPINGS = Collections.unmodifiableMap(m);
    }

    static final Set<SocketOption<?>> SUPPORTED = MAPPINGS.keySet();

    /**
     * The options of {@link #SUPPORTED} a Unix-domain socket takes: the socket-level ones that
     * mean something there. SO_REUSEADDR and SO_REUSEPORT are accepted by the kernel but do
     * nothing for AF_UNIX (a path in use is EADDRINUSE whatever they say), SO_KEEPALIVE has no
     * probes to send; the IP and TCP ones fail with EOPNOTSUPP or ENOPROTOOPT.
     */
    static final Set<SocketOption<?>> UNIX_SUPPORTED = Collections.unmodifiableSet(new LinkedHashSet<>(
            List.of(StandardSocketOptions.SO_LINGER, StandardSocketOptions.SO_RCVBUF,
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
