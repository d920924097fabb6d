package dev.iocp.port;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketOption;
import java.util.Set;

/**
 * A TCP socket: opened by {@link Backend#openSocket}, or accepted and then
 * {@linkplain CompletionPort#adoptAccepted adopted}, and used on the port it is
 * {@linkplain CompletionPort#register registered} with. The synchronous calls here (bind,
 * listen, options, addresses) never block and may be made from any thread; everything that can
 * wait is an operation on the port.
 */
public interface PortSocket {

    /** {@code INET} or {@code INET6}; an {@code INET6} socket is dual-stack and also speaks IPv4. */
    ProtocolFamily family();

    /** Binds to a local address; port 0 picks a free one. */
    void bind(InetSocketAddress local) throws IOException;

    /** Makes this a listening socket with the given accept backlog. */
    void listen(int backlog) throws IOException;

    /** The bound address, or {@code null} before bind/connect. */
    InetSocketAddress localAddress() throws IOException;

    /** The peer's address, or {@code null} when not connected. */
    InetSocketAddress remoteAddress() throws IOException;

    /**
     * Sets an option: {@link java.net.StandardSocketOptions} (SO_REUSEADDR, SO_REUSEPORT,
     * TCP_NODELAY, SO_KEEPALIVE, SO_LINGER, SO_RCVBUF, SO_SNDBUF, IP_TOS),
     * {@link jdk.net.ExtendedSocketOptions} (TCP_KEEPIDLE, TCP_KEEPINTERVAL, TCP_KEEPCOUNT,
     * TCP_QUICKACK) and {@link PortSocketOptions}.
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
