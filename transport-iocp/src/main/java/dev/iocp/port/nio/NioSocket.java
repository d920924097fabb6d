package dev.iocp.port.nio;

import dev.iocp.port.Errno;
import dev.iocp.port.LinuxAbstractSocketAddress;
import dev.iocp.port.PeerCredentials;
import dev.iocp.port.PortException;
import dev.iocp.port.PortSocket;
import dev.iocp.port.ShutdownMode;
import dev.iocp.port.internal.SubmissionChecks;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Set;

/**
 * A TCP or Unix-domain socket over a non-blocking java.nio channel. A Unix-domain one is the
 * JDK's ({@link StandardProtocolFamily#UNIX}): paths only, as the JDK has no abstract namespace.
 *
 * <p><b>The channel is made when the socket's role is known.</b> java.nio fixes at creation
 * whether a channel listens ({@link ServerSocketChannel}) or connects ({@link SocketChannel}),
 * and cannot turn one into the other, while a {@link PortSocket} is opened before it is told
 * which it is. So a socket opened by {@link NioBackend#openSocket} starts without a channel (and
 * without a descriptor): {@link #bind} and {@link #setOption} are recorded in its
 * {@link SocketSettings}, {@link #listen} makes a ServerSocketChannel and a connect (on the port)
 * a SocketChannel, each given the recorded options and then bound. Consequences, as on libuv's
 * Windows backend, which defers binds for the same reason:
 * <ul>
 *   <li>an error of the bind (EADDRINUSE) is reported by {@code listen}, or as the connect's
 *       result, rather than by {@code bind};</li>
 *   <li>until then {@link #localAddress()} is the address asked for (port 0 stays 0), and
 *       {@link #getOption} the value set, or a fresh socket's default.</li>
 * </ul>
 * An accepted socket has its channel from the start. {@link NioDatagramSocket}, a UDP socket,
 * has its DatagramChannel from the start too, and the same bookkeeping on the port.
 *
 * <p>The synchronous calls may come from any thread, so they and the making of the channel
 * hold {@link #lock}; the port's I/O reads the channel fields without it, on its owner thread.
 */
class NioSocket implements PortSocket {
    enum State { OPEN, CLOSING, CLOSED }

    private final ProtocolFamily family;
    private final Object lock = new Object();
    private final SocketSettings settings;
    private volatile SocketChannel stream;
    private volatile ServerSocketChannel listener;
    /**
     * An accepted connection's peer, as its accept returned it: kept here so that the address
     * stays known whatever happens to the connection (a reset before the accept makes
     * getpeername fail; the JDK keeps it too, but that is its implementation, not its contract).
     */
    private final SocketAddress acceptedPeer;

    /**
     * SO_LINGER is on with a time above 0, so that closing the connection blocks until the peer
     * has acknowledged what is unsent: set through {@link #setOption} (before or after the
     * channel was made) or inherited from the listener that accepted the connection, as Linux
     * copies a listener's SO_LINGER to the sockets it accepts. Kept here so that a close need
     * not ask the kernel (getsockopt) each time; volatile, as options may be set from any thread.
     */
    volatile boolean lingers;
    /** Volatile: channels read isOpen() from any thread. */
    volatile State state = State.OPEN;
    /** The port it is registered with; null before. */
    volatile NioPort port;
    long key;
    final SocketOperations operations = new SocketOperations();

    NioSocket(ProtocolFamily family) {
        this(family, null, null);
    }

    /**
     * An accepted connection: connected, non-blocking, options already inherited.
     *
     * @param peer the address the accept returned
     */
    NioSocket(ProtocolFamily family, SocketChannel accepted, SocketAddress peer) {
        if (family != StandardProtocolFamily.INET && family != StandardProtocolFamily.INET6
                && family != StandardProtocolFamily.UNIX) {
            throw new UnsupportedOperationException("nio sockets are INET, INET6 or UNIX, not " + family);
        }
        this.family = family;
        this.settings = new SocketSettings(family);
        this.stream = accepted;
        this.acceptedPeer = peer;
    }

    @Override
    public ProtocolFamily family() {
        return family;
    }

    SocketChannel stream() {
        return stream;
    }

    ServerSocketChannel listener() {
        return listener;
    }

    /** The channel, whichever it is, or null while the socket has none. */
    SelectableChannel channel() {
        SocketChannel s = stream;
        return s != null ? s : listener;
    }

    void ensureOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("socket is " + (state == State.CLOSING ? "closing" : "closed") + ": " + this);
        }
    }

    // ---- the channel ----------------------------------------------------------------------

    /**
     * Owner thread, for a connect: the socket's SocketChannel, made now (options applied, then
     * bound if a bind was recorded) if it has none yet.
     *
     * @return the channel, or null if this socket listens
     */
    SocketChannel openStream() throws IOException {
        synchronized (lock) {
            if (stream == null && listener == null) {
                SocketChannel channel = open(() -> SocketChannel.open(family));
                try {
                    channel.configureBlocking(false);
                    settings.applyTo(channel);
                    if (settings.bindAddress() != null) {
                        channel.bind(settings.bindAddress());
                    }
                } catch (IOException | RuntimeException e) {
                    channel.close();
                    throw e;
                }
                stream = channel;
            }
            return stream;
        }
    }

    private interface Opener<C> {
        C open() throws IOException;
    }

    /** Opens a channel of this socket's family; a platform without that family says EAFNOSUPPORT. */
    private <C> C open(Opener<C> opener) throws IOException {
        try {
            return opener.open();
        } catch (UnsupportedOperationException e) {
            PortException failure = PortException.of("socket " + family, null, -Errno.EAFNOSUPPORT);
            failure.initCause(e);
            throw failure;
        }
    }

    /** Owner thread: gives a connection accepted by this listener the options it inherits. */
    void inheritTo(SocketChannel accepted) throws IOException {
        synchronized (lock) {
            settings.applyInherited(accepted);
        }
    }

    // ---- synchronous calls, any thread ----------------------------------------------------

    @Override
    public void bind(SocketAddress local) throws IOException {
        ensureOpen();
        Objects.requireNonNull(local, "local");
        checkAddress(local);
        if (local instanceof InetSocketAddress inet && inet.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + local);
        }
        if (family == StandardProtocolFamily.INET && local instanceof InetSocketAddress inet
                && inet.getAddress() instanceof Inet6Address) {
            throw PortException.of("bind", local, -Errno.EAFNOSUPPORT);
        }
        synchronized (lock) {
            NetworkChannel channel = stream != null ? stream : listener;
            if (channel != null) {
                try {
                    channel.bind(local);
                } catch (IOException | IllegalStateException | IllegalArgumentException e) {
                    throw NioErrors.exception("bind", local, e);
                }
            } else if (settings.bindAddress() != null) {
                throw PortException.of("bind", local, -Errno.EINVAL); // bound already, as bind(2) says
            } else {
                settings.bindAddress(local);
            }
        }
    }

    @Override
    public void listen(int backlog) throws IOException {
        ensureOpen();
        synchronized (lock) {
            if (listener != null) {
                // listen(2) may be repeated to change the backlog; a ServerSocketChannel cannot.
                return;
            }
            SocketAddress local = settings.bindAddress();
            if (stream != null) {
                throw PortException.of("listen", local, -Errno.EINVAL);
            }
            if (local == null && family == StandardProtocolFamily.UNIX) {
                // The JDK would bind it to a new file in the temporary directory, which nobody removes.
                throw new PortException("listen(): EINVAL: an unbound Unix-domain socket cannot listen on the nio"
                        + " backend; bind it to a path first", -Errno.EINVAL);
            }
            ServerSocketChannel channel = open(() -> ServerSocketChannel.open(family));
            try {
                channel.configureBlocking(false);
                settings.applyToListener(channel);
                channel.bind(local, backlog); // null: the wildcard address and a free port, as listen(2) does
            } catch (IOException | IllegalStateException | IllegalArgumentException e) {
                channel.close();
                throw NioErrors.exception("listen", local, e);
            }
            listener = channel;
        }
    }

    @Override
    public SocketAddress localAddress() throws IOException {
        ensureOpen();
        NetworkChannel channel;
        synchronized (lock) {
            channel = stream != null ? stream : listener;
            if (channel == null) {
                return settings.bindAddress();
            }
        }
        try {
            return channel.getLocalAddress();
        } catch (ClosedChannelException e) {
            return null; // java.nio closed it after a failed connect: nothing is bound any more
        }
    }

    @Override
    public SocketAddress remoteAddress() throws IOException {
        ensureOpen();
        if (acceptedPeer != null) {
            return acceptedPeer;
        }
        SocketChannel channel = stream;
        if (channel == null) {
            return null;
        }
        try {
            return channel.getRemoteAddress();
        } catch (ClosedChannelException e) {
            return null;
        }
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        ensureOpen();
        NioSocketOptions.check(family, option, value);
        synchronized (lock) {
            try {
                if (stream != null) {
                    stream.setOption(option, value);
                } else if (listener != null && NioSocketOptions.listenerTakes(family, option)) {
                    listener.setOption(option, value);
                } else {
                    settings.record(option, value); // for the channel to come, or the connections to accept
                }
                if (option == StandardSocketOptions.SO_LINGER) {
                    lingers = (Integer) value > 0;
                }
            } catch (IOException e) {
                throw NioErrors.exception("setsockopt " + option.name() + "=" + value, null, e);
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(SocketOption<T> option) throws IOException {
        ensureOpen();
        NioSocketOptions.checkSupported(family, option);
        synchronized (lock) {
            if (stream != null) {
                return stream.getOption(option);
            }
            if (listener != null && NioSocketOptions.listenerTakes(family, option)) {
                return listener.getOption(option);
            }
            Object recorded = settings.recorded(option);
            if (recorded != null) {
                return (T) recorded;
            }
        }
        // Never set, and no channel to ask: a fresh socket's default.
        try (SocketChannel probe = open(() -> SocketChannel.open(family))) {
            return probe.getOption(option);
        }
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return NioSocketOptions.supported(family);
    }

    /**
     * Unsupported: the JDK's {@code jdk.net.ExtendedSocketOptions.SO_PEERCRED} gives the peer's
     * user and group names (a {@code UnixDomainPrincipal}), not its process, user and group ids.
     */
    @Override
    public PeerCredentials peerCredentials() {
        throw new UnsupportedOperationException("the nio backend cannot tell a peer's credentials: the JDK's"
                + " SO_PEERCRED gives user and group names, no process id; the io_uring backend can");
    }

    /**
     * An address of this socket's kind that the JDK can use: the JDK's Unix-domain channels
     * have no abstract namespace.
     */
    void checkAddress(SocketAddress address) {
        SubmissionChecks.addressKind(family, address);
        if (address instanceof LinuxAbstractSocketAddress) {
            throw new UnsupportedOperationException("the nio backend's Unix-domain sockets are the JDK's, which"
                    + " have no abstract namespace: " + address + " needs the io_uring backend");
        }
    }

    @Override
    public void shutdown(ShutdownMode mode) throws IOException {
        ensureOpen();
        SocketChannel channel = stream;
        if (channel == null) {
            throw PortException.of("shutdown " + mode, null, -Errno.ENOTCONN);
        }
        try {
            shutdown(channel, mode);
        } catch (IOException | IllegalStateException e) {
            throw NioErrors.exception("shutdown " + mode, remoteAddress(), e);
        }
    }

    static void shutdown(SocketChannel channel, ShutdownMode mode) throws IOException {
        if (mode != ShutdownMode.OUTPUT) {
            channel.shutdownInput();
        }
        if (mode != ShutdownMode.INPUT) {
            channel.shutdownOutput();
        }
    }

    @Override
    public boolean isOpen() {
        return state == State.OPEN;
    }

    @Override
    public int pendingOperations() {
        return operations.inFlight;
    }

    @Override
    public void close() throws IOException {
        NioPort p = port;
        if (p != null) {
            p.checkOwner();
        }
        if (state != State.OPEN) {
            return;
        }
        if (operations.inFlight > 0) {
            throw new IllegalStateException(operations.inFlight + " operation(s) in flight on " + this
                    + ": close it with CompletionPort.submitClose, which cancels them first");
        }
        state = State.CLOSED;
        if (p == null) {
            closeChannel();
            return;
        }
        p.forget(this);
        boolean watched = operations.selectionKey != null;
        IOException failure = closeChannel();
        if (watched) {
            p.releaseClosedChannels(); // the JDK closes a watched channel's descriptor only then
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Owner thread: whether closing the connection will linger ({@link #lingers}); never for a
     * socket without an open connection.
     */
    boolean lingersOnClose() {
        SocketChannel channel = stream;
        return lingers && channel != null && channel.isOpen();
    }

    /**
     * Owner thread: stops watching the channel and closes it. A channel the selector watched
     * keeps its descriptor until the selector's next selection deregisters it, which the port
     * runs before it delivers anything more.
     *
     * @return what closing failed with, or null
     */
    IOException closeChannel() {
        operations.channelClosed = true;
        SelectionKey watched = operations.selectionKey;
        if (watched != null) {
            watched.cancel();
        }
        return closeUnwatched();
    }

    /**
     * Closes the channel, which no selector watches (any more); any thread. A lingering close
     * blocks here.
     *
     * @return what closing failed with, or null
     */
    IOException closeUnwatched() {
        synchronized (lock) {
            try {
                if (stream != null) {
                    stream.close();
                }
                if (listener != null) {
                    listener.close();
                }
                return null;
            } catch (IOException e) {
                return e;
            }
        }
    }

    @Override
    public String toString() {
        SelectableChannel channel = channel();
        return "NioSocket[" + family + ", " + state + ", " + (channel == null ? "no channel yet" : channel) + "]";
    }
}
