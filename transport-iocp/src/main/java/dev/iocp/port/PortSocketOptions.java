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

    private PortSocketOptions() {
    }

    private record Option<T>(String name, Class<T> type) implements SocketOption<T> {
        @Override
        public String toString() {
            return name;
        }
    }
}
