package dev.iocp.port.nio;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a socket was told before it had a JDK channel to tell it to: the local address to bind
 * and the options set, in order. java.nio decides at creation whether a channel listens
 * ({@link ServerSocketChannel}) or connects ({@link SocketChannel}), while a
 * {@link dev.iocp.port.PortSocket} learns that only at {@code listen} or {@code connect}; the
 * settings wait here until then and are applied to whichever channel is made. A listener keeps
 * the options its channel cannot take, for the connections it accepts.
 *
 * <p>Guarded by the owning {@link NioSocket}'s lock.
 */
final class SocketSettings {
    private final ProtocolFamily family;
    private SocketAddress bindAddress;
    private Map<SocketOption<?>, Object> options;

    SocketSettings(ProtocolFamily family) {
        this.family = family;
    }

    SocketAddress bindAddress() {
        return bindAddress;
    }

    void bindAddress(SocketAddress local) {
        bindAddress = local;
    }

    void record(SocketOption<?> option, Object value) {
        if (options == null) {
            options = new LinkedHashMap<>();
        }
        options.remove(option); // re-setting moves it last: options are applied in the order set
        options.put(option, value);
    }

    /** The value set for an option, or null. */
    Object recorded(SocketOption<?> option) {
        return options == null ? null : options.get(option);
    }

    /** A connecting socket's channel gets every option, before it binds. */
    void applyTo(SocketChannel channel) throws IOException {
        if (options != null) {
            for (Map.Entry<SocketOption<?>, Object> e : options.entrySet()) {
                NioSocketOptions.set(channel, e.getKey(), e.getValue());
            }
        }
    }

    /**
     * A listening socket's channel gets the options it takes. The JDK turns SO_REUSEADDR on for
     * every ServerSocketChannel; it is turned back off unless it was asked for, so that a
     * listener behaves as a socket does on the other backends (a Unix-domain channel has no
     * SO_REUSEADDR).
     */
    void applyToListener(ServerSocketChannel channel) throws IOException {
        if (recorded(StandardSocketOptions.SO_REUSEADDR) == null && family != StandardProtocolFamily.UNIX) {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, false);
        }
        if (options != null) {
            for (Map.Entry<SocketOption<?>, Object> e : options.entrySet()) {
                if (NioSocketOptions.listenerTakes(family, e.getKey())) {
                    NioSocketOptions.set(channel, e.getKey(), e.getValue());
                }
            }
        }
    }

    /**
     * An accepted connection gets the options its listener was given and could not take
     * itself, as Linux copies a listener's options to the sockets it accepts.
     */
    void applyInherited(SocketChannel accepted) throws IOException {
        if (options != null) {
            for (Map.Entry<SocketOption<?>, Object> e : options.entrySet()) {
                if (!NioSocketOptions.listenerTakes(family, e.getKey())) {
                    NioSocketOptions.set(accepted, e.getKey(), e.getValue());
                }
            }
        }
    }
}
