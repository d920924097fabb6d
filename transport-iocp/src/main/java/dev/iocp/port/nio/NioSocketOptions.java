package dev.iocp.port.nio;

import dev.iocp.port.PortSocketOptions;
import jdk.net.ExtendedSocketOptions;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which socket options an nio socket takes: those of the io_uring backend that java.nio can set
 * on this platform. {@link StandardSocketOptions} and {@link ExtendedSocketOptions} are passed
 * to the JDK's channels as they are. The rest of {@link PortSocketOptions} (TCP_USER_TIMEOUT,
 * TCP_FASTOPEN, TCP_FASTOPEN_CONNECT, TCP_CORK, TCP_NOTSENT_LOWAT, TCP_DEFER_ACCEPT,
 * IP_FREEBIND, IP_TRANSPARENT, SO_BUSY_POLL, IP_BIND_ADDRESS_NO_PORT and the read-only TCP_INFO)
 * has no java.nio equivalent: neither {@link StandardSocketOptions} nor {@link
 * ExtendedSocketOptions} names them, and a channel takes no option it does not name. They are
 * refused with an {@link UnsupportedOperationException} rather than ignored.
 *
 * <p>A listening socket is a {@link ServerSocketChannel}, which takes fewer options than the
 * socket it stands for (not TCP_NODELAY, SO_KEEPALIVE, SO_LINGER, SO_SNDBUF, IP_TOS). On Linux
 * an accepted socket inherits those from its listener, so the listener keeps them and applies
 * them to each connection it accepts ({@link SocketSettings#applyInherited}).
 *
 * <p>The JDK's Unix-domain channels take fewer still: a connection SO_LINGER, SO_RCVBUF and
 * SO_SNDBUF, a listener SO_RCVBUF. The JDK's own SO_PEERCRED ({@code jdk.net}) reports user and
 * group names but no process id, so it is not offered as peer credentials.
 */
final class NioSocketOptions {

    /** The options of the completion-port contract that the JDK has no way to set. */
    static final Set<SocketOption<?>> NOT_IN_JDK = Set.of(PortSocketOptions.TCP_USER_TIMEOUT,
            PortSocketOptions.TCP_FASTOPEN, PortSocketOptions.TCP_FASTOPEN_CONNECT, PortSocketOptions.TCP_CORK,
            PortSocketOptions.TCP_NOTSENT_LOWAT, PortSocketOptions.TCP_DEFER_ACCEPT, PortSocketOptions.IP_FREEBIND,
            PortSocketOptions.IP_TRANSPARENT, PortSocketOptions.SO_BUSY_POLL, PortSocketOptions.IP_BIND_ADDRESS_NO_PORT,
            PortSocketOptions.TCP_INFO);

    private static final List<SocketOption<?>> WANTED = List.of(
            StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_REUSEPORT,
            StandardSocketOptions.TCP_NODELAY, StandardSocketOptions.SO_KEEPALIVE,
            StandardSocketOptions.SO_LINGER, StandardSocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.IP_TOS,
            ExtendedSocketOptions.TCP_KEEPIDLE, ExtendedSocketOptions.TCP_KEEPINTERVAL,
            ExtendedSocketOptions.TCP_KEEPCOUNT, ExtendedSocketOptions.TCP_QUICKACK);

    private NioSocketOptions() {
    }

    /**
     * What this JDK's channels accept here, asked once of a pair of probe channels: SO_REUSEPORT
     * and the TCP keep-alive options depend on the platform.
     */
    private static final class Support {
        static final Set<SocketOption<?>> STREAM;
        static final Set<SocketOption<?>> LISTENER;

        static {
            Set<SocketOption<?>> stream = new LinkedHashSet<>(WANTED);
            Set<SocketOption<?>> listener = new LinkedHashSet<>(WANTED);
            try (SocketChannel s = SocketChannel.open(); ServerSocketChannel l = ServerSocketChannel.open()) {
                stream.retainAll(s.supportedOptions());
                listener.retainAll(l.supportedOptions());
            } catch (IOException e) {
                // No socket can be opened now; opening the real one will report why.
                listener.retainAll(Set.of(StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_RCVBUF));
            }
            STREAM = Collections.unmodifiableSet(stream);
            LISTENER = Collections.unmodifiableSet(listener);
        }
    }

    /** As {@link Support}, for the JDK's Unix-domain channels; probed only once one is opened. */
    private static final class UnixSupport {
        static final Set<SocketOption<?>> STREAM;
        static final Set<SocketOption<?>> LISTENER;

        static {
            Set<SocketOption<?>> stream = new LinkedHashSet<>(WANTED);
            Set<SocketOption<?>> listener = new LinkedHashSet<>(WANTED);
            try (SocketChannel s = SocketChannel.open(StandardProtocolFamily.UNIX);
                 ServerSocketChannel l = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                stream.retainAll(s.supportedOptions());
                listener.retainAll(l.supportedOptions());
            } catch (IOException | UnsupportedOperationException e) {
                // No Unix-domain socket can be opened here; opening the real one will report why.
                stream.clear();
                listener.clear();
            }
            STREAM = Collections.unmodifiableSet(stream);
            LISTENER = Collections.unmodifiableSet(listener);
        }
    }

    /** The options {@link NioSocket#setOption} accepts on a TCP socket. */
    static Set<SocketOption<?>> supported() {
        return Support.STREAM;
    }

    /** The options {@link NioSocket#setOption} accepts on a socket of {@code family}. */
    static Set<SocketOption<?>> supported(ProtocolFamily family) {
        return family == StandardProtocolFamily.UNIX ? UnixSupport.STREAM : Support.STREAM;
    }

    /** Whether a {@link ServerSocketChannel} takes the option itself (else accepted sockets do). */
    static boolean listenerTakes(SocketOption<?> option) {
        return Support.LISTENER.contains(option);
    }

    /** As {@link #listenerTakes(SocketOption)}, for a listener of {@code family}. */
    static boolean listenerTakes(ProtocolFamily family, SocketOption<?> option) {
        return (family == StandardProtocolFamily.UNIX ? UnixSupport.LISTENER : Support.LISTENER).contains(option);
    }

    /**
     * Refuses an option this backend cannot set, or a value of the wrong type or range, before
     * anything is recorded or passed on: an option recorded for a channel not made yet would
     * otherwise fail only when the channel is.
     */
    static void check(ProtocolFamily family, SocketOption<?> option, Object value) {
        checkSupported(family, option);
        if (value == null || !option.type().isInstance(value)) {
            throw new IllegalArgumentException(option.name() + " takes a " + option.type().getSimpleName()
                    + ", not " + value);
        }
        if (value instanceof Integer i && i < 0 && option != StandardSocketOptions.SO_LINGER) {
            throw new IllegalArgumentException(option.name() + " must not be negative: " + value);
        }
        if (option == StandardSocketOptions.IP_TOS && (Integer) value > 255) {
            throw new IllegalArgumentException("IP_TOS is one byte: " + value);
        }
    }

    static void checkSupported(ProtocolFamily family, SocketOption<?> option) {
        Set<SocketOption<?>> supported = supported(family);
        if (!supported.contains(option)) {
            String why = NOT_IN_JDK.contains(option)
                    ? option == PortSocketOptions.TCP_INFO ? " (java.nio has no way to read it)" : " (java.nio has no way to set it)"
                    : family == StandardProtocolFamily.UNIX ? " on Unix-domain sockets" : "";
            throw new UnsupportedOperationException("socket option " + option.name()
                    + " is not supported by the nio backend" + why + "; supported: " + supported);
        }
    }

    /** Sets an option whose value {@link #check} accepted. */
    @SuppressWarnings("unchecked")
    static void set(NetworkChannel channel, SocketOption<?> option, Object value) throws IOException {
        channel.setOption((SocketOption<Object>) option, value);
    }
}
