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
     *
     * @return the family the socket was opened with
     */
    ProtocolFamily family();

    /**
     * Binds to a local address; port 0 picks a free one. A Unix-domain socket bound to a path
     * creates the socket file, which its close leaves behind (as {@code close(2)} does): the
     * caller that bound it removes it.
     *
     * @param local the address to bind to, of the socket's kind (see above)
     * @throws IllegalArgumentException for an address of another kind
     * @throws IOException              if the system refuses, e.g. with {@code EADDRINUSE}
     */
    void bind(SocketAddress local) throws IOException;

    /**
     * Makes this a listening socket with the given accept backlog.
     *
     * @param backlog how many connections the kernel queues before they are accepted; the kernel
     *                caps it at {@code net.core.somaxconn}
     * @throws IOException if the system refuses, e.g. for a socket that is not bound
     */
    void listen(int backlog) throws IOException;

    /**
     * The bound address, or {@code null} before bind/connect.
     *
     * @return the local address, or {@code null} while the socket is not bound
     * @throws IOException if the system call that reads it fails
     */
    SocketAddress localAddress() throws IOException;

    /**
     * The peer's address, or {@code null} when not connected.
     *
     * @return the peer's address, or {@code null} while the socket is not connected
     * @throws IOException if the system call that reads it fails
     */
    SocketAddress remoteAddress() throws IOException;

    /**
     * Sets an option: {@link java.net.StandardSocketOptions} (SO_REUSEADDR, SO_REUSEPORT,
     * TCP_NODELAY, SO_KEEPALIVE, SO_LINGER, SO_RCVBUF, SO_SNDBUF, IP_TOS),
     * {@link jdk.net.ExtendedSocketOptions} (TCP_KEEPIDLE, TCP_KEEPINTERVAL, TCP_KEEPCOUNT,
     * TCP_QUICKACK) and {@link PortSocketOptions}; a Unix-domain socket takes only those that
     * apply to it (SO_RCVBUF, SO_SNDBUF, SO_LINGER and what its backend adds), see
     * {@link #supportedOptions()}.
     *
     * @param <T>    the option's value type
     * @param option the option
     * @param value  its new value
     * @throws UnsupportedOperationException for an option this socket does not know, or one it
     *         can only read ({@link PortSocketOptions#TCP_INFO})
     * @throws IOException if the system refuses the value
     */
    <T> void setOption(SocketOption<T> option, T value) throws IOException;

    /**
     * Reads an option; see {@link #setOption}.
     *
     * @param <T>    the option's value type
     * @param option the option
     * @return its current value, as the system reports it (which may differ from the value set:
     *         Linux doubles {@code SO_RCVBUF} and {@code SO_SNDBUF}, for instance)
     * @throws UnsupportedOperationException for an option this socket does not know
     * @throws IOException                   if the system refuses to tell
     */
    <T> T getOption(SocketOption<T> option) throws IOException;

    /**
     * The options {@link #setOption} accepts.
     *
     * @return the options of this socket, unmodifiable
     */
    Set<SocketOption<?>> supportedOptions();

    /**
     * The credentials of the process at the other end of a connected Unix-domain socket.
     *
     * @return the peer's process id, user id and group id, as the kernel recorded them when the
     *         connection was made
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
     *
     * @param mode which directions to shut down
     * @throws IOException if the system refuses, e.g. with {@code ENOTCONN} for a socket that is
     *                     not connected
     */
    void shutdown(ShutdownMode mode) throws IOException;

    /**
     * False once the socket has been closed (or its close submitted).
     *
     * @return true until the socket is closed or its close submitted
     */
    boolean isOpen();

    /**
     * How many of this socket's operations have been submitted and not yet completed.
     *
     * @return the count of operations in flight on this socket, 0 or more
     */
    int pendingOperations();

    /**
     * Closes the socket at once. Only allowed while nothing is in flight on it, and, once it is
     * registered, only on the port's owner thread: use {@link CompletionPort#submitClose} to close
     * a socket with operations pending.
     *
     * @throws IllegalStateException if operations are in flight
     * @throws IOException if closing the descriptor fails
     */
    void close() throws IOException;
}
