package dev.iocp.port;

import java.net.SocketOption;

/** Socket options beyond {@link java.net.StandardSocketOptions} and {@link jdk.net.ExtendedSocketOptions}. */
public final class PortSocketOptions {

    /**
     * TCP_USER_TIMEOUT: milliseconds that transmitted data may stay unacknowledged before the
     * connection is dropped (0: the system default).
     */
    public static final SocketOption<Integer> TCP_USER_TIMEOUT = new Option<>("TCP_USER_TIMEOUT", Integer.class);

    /**
     * TCP_FASTOPEN on a listening socket: the length of the queue of pending TFO requests
     * (0 disables it).
     */
    public static final SocketOption<Integer> TCP_FASTOPEN = new Option<>("TCP_FASTOPEN", Integer.class);

    /** TCP_FASTOPEN_CONNECT on a client socket: send data in the SYN when a cookie is cached. */
    public static final SocketOption<Boolean> TCP_FASTOPEN_CONNECT = new Option<>("TCP_FASTOPEN_CONNECT", Boolean.class);

    /**
     * TCP_CORK: hold back partial segments until the option is cleared (which sends them), or
     * for at most 200 ms.
     */
    public static final SocketOption<Boolean> TCP_CORK = new Option<>("TCP_CORK", Boolean.class);

    /**
     * TCP_NOTSENT_LOWAT: how many bytes may wait unsent in the socket before it stops reporting
     * itself writable. The kernel takes an unsigned 32-bit number, so the value is a
     * {@code Long} from 0 to 4294967295 (which, the default, means no limit).
     */
    public static final SocketOption<Long> TCP_NOTSENT_LOWAT = new Option<>("TCP_NOTSENT_LOWAT", Long.class);

    /**
     * TCP_DEFER_ACCEPT on a listening socket: seconds to wait for a connection's first data
     * before accepting it (0: off). The kernel counts the wait in SYN-ACK retransmissions, so it
     * reads back rounded to what those take (1, 3, 7, 15, ... seconds).
     */
    public static final SocketOption<Integer> TCP_DEFER_ACCEPT = new Option<>("TCP_DEFER_ACCEPT", Integer.class);

    /** IP_FREEBIND: bind to an address not (yet) configured on this host. */
    public static final SocketOption<Boolean> IP_FREEBIND = new Option<>("IP_FREEBIND", Boolean.class);

    /**
     * IP_TRANSPARENT: bind to and accept for non-local addresses, for transparent proxies
     * (turning it on needs CAP_NET_ADMIN or CAP_NET_RAW).
     */
    public static final SocketOption<Boolean> IP_TRANSPARENT = new Option<>("IP_TRANSPARENT", Boolean.class);

    /**
     * SO_BUSY_POLL: microseconds a blocking receive may busy-poll the device queue (0: off;
     * raising it above the current value needs CAP_NET_ADMIN).
     */
    public static final SocketOption<Integer> SO_BUSY_POLL = new Option<>("SO_BUSY_POLL", Integer.class);

    /**
     * IP_BIND_ADDRESS_NO_PORT: a bind to port 0 leaves the port to be chosen by the connect, so
     * outgoing connections from one address can share ports with distinct peers.
     */
    public static final SocketOption<Boolean> IP_BIND_ADDRESS_NO_PORT =
            new Option<>("IP_BIND_ADDRESS_NO_PORT", Boolean.class);

    /**
     * TCP_INFO: the kernel's view of a connection (state, round-trip time, retransmissions,
     * congestion window). Read-only, as the JDK's SO_PEERCRED is: {@code setOption} refuses it.
     */
    public static final SocketOption<TcpInfo> TCP_INFO = new Option<>("TCP_INFO", TcpInfo.class);

    private PortSocketOptions() {
    }

    private record Option<T>(String name, Class<T> type) implements SocketOption<T> {
        @Override
        public String toString() {
            return name;
        }
    }
}
