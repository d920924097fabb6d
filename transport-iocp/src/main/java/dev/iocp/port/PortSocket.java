package dev.iocp.port;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.util.Set;

/**
 * A stream socket, TCP or Unix-domain: opened by {@link Backend#openSocket}, or accepted and then
 * {@linkplain CompletionPort#adoptAccepted adopted}, and used on the port it is
 * {@linkplain CompletionPort#register registered} with. The synchronous calls here (bind,
 * listen, options, addresses) never block and may be made from any thread; everything that can
 * wait is an operation on the port.
 *
 * <p><b>Addresses.</b> A TCP socket ({@code INET}, {@code INET6}) takes and returns
 * {@link java.net.InetSocketAddress}es; a Unix-domain one ({@code UNIX}) takes and returns
 * {@link java.net.UnixDomainSocketAddress}es (an unnamed socket, such as a client that never
 * bound, reports the empty path, as the JDK does) and, where the backend supports Linux's
 * abstract namespace, {@link LinuxAbstractSocketAddress}es. An address of another type is
 * refused with an {@link IllegalArgumentException}.
 */
public interface PortSocket {

    /**
     * {@code INET}, {@code INET6} or {@code UNIX}; an {@code INET6} socket is dual-stack and also
     * speaks IPv4.
     */
    ProtocolFamily family();

    /**
     * Binds to a local address; port 0 picks a free one. A Unix-domain socket bound to a path
     * creates the socket file, which its close leaves behind (as {@code close(2)} does): the
     * caller that bound it removes it.
     */
    void bind(SocketAddress local) throws IOException;

    /** Makes this a listening socket with the given accept backlog. */
    void listen(int backlog) throws IOException;

    /** The bound address, or {@code null} before bind/connect. */
    SocketAddress localAddress() throws IOException;

    /** The peer's address, or {@code null} when not connected. */
    SocketAddress remoteAddress() throws IOException;

    /**
     * Sets an option: {@link java.net.StandardSocketOptions} (SO_REUSEADDR, SO_REUSEPORT,
     * TCP_NODELAY, SO_KEEPALIVE, SO_LINGER, SO_RCVBUF, SO_SNDBUF, IP_TOS),
     * {@link jdk.net.ExtendedSocketOptions} (TCP_KEEPIDLE, TCP_KEEPINTERVAL, TCP_KEEPCOUNT,
     * TCP_QUICKACK) and {@link PortSocketOptions}; a Unix-domain socket takes only those that
     * apply to it (SO_RCVBUF, SO_SNDBUF, SO_LINGER and what its backend adds), see
     * {@link #supportedOptions()}.
     *
     * @throws UnsupportedOperationException for an option this socket does not know, or one it
     *         can only read ({@link PortSocketOptions#TCP_INFO})
     */
    <T> void setOption(SocketOption<T> option, T value) throws IOException;

    /** Reads an option; see {@link #setOption}. */
    <T> T getOption(SocketOption<T> option) throws IOException;

    /** The options {@link #setOption} accepts. */
    Set<SocketOption<?>> supportedOptions();

    /**
     * The credentials of the process at the other end of a connected Unix-domain socket.
     *
     * @throws UnsupportedOperationException where this socket or its backend cannot tell (TCP
     *                                       sockets; the nio backend, whose JDK channels report
     *                                       user and group names but no process)
     * @throws IOException                   if the socket is not connected
     */
    default PeerCredentials peerCredentials() throws IOException {
        throw new UnsupportedOperationException("peer credentials are not available for " + this);
    }

    /**
     * Shuts down one or both directions at once ({@code shutdown(2)} never blocks); the
     * asynchronous form is {@link CompletionPort#submitShutdown}.
     */
    void shutdown(ShutdownMode mode) throws IOException;

    /** False once the socket has been closed (or its close submitted). */
    boolean isOpen();

    /** How many of this socket's operations have been submitted and not yet completed. */
    int pendingOperations();

    /**
     * Closes the socket at once. Only allowed while nothing is in flight on it, and, once it is
     * registered, only on the port's owner thread: use {@link CompletionPort#submitClose} to close
     * a socket with operations pending.
     *
     * @throws IllegalStateException if operations are in flight
     */
    void close() throws IOException;
}
