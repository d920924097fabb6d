package dev.iocp.channel;

import dev.iocp.port.PortSocket;
import dev.iocp.port.PortSocketOptions;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import jdk.net.ExtendedSocketOptions;

import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Map;

/**
 * Maps Netty {@link ChannelOption}s onto the socket options of a {@link PortSocket}, turning
 * failures into the {@link ChannelException} Netty's configs throw.
 */
final class SocketOptionAccess {

    static final Map<ChannelOption<?>, SocketOption<?>> SOCKET_OPTIONS = Map.ofEntries(
            Map.entry(ChannelOption.SO_RCVBUF, StandardSocketOptions.SO_RCVBUF),
            Map.entry(ChannelOption.SO_SNDBUF, StandardSocketOptions.SO_SNDBUF),
            Map.entry(ChannelOption.SO_REUSEADDR, StandardSocketOptions.SO_REUSEADDR),
            Map.entry(ChannelOption.SO_KEEPALIVE, StandardSocketOptions.SO_KEEPALIVE),
            Map.entry(ChannelOption.SO_LINGER, StandardSocketOptions.SO_LINGER),
            Map.entry(ChannelOption.TCP_NODELAY, StandardSocketOptions.TCP_NODELAY),
            Map.entry(ChannelOption.IP_TOS, StandardSocketOptions.IP_TOS),
            Map.entry(IocpChannelOption.SO_REUSEPORT, StandardSocketOptions.SO_REUSEPORT),
            Map.entry(IocpChannelOption.TCP_USER_TIMEOUT, PortSocketOptions.TCP_USER_TIMEOUT),
            Map.entry(IocpChannelOption.TCP_KEEPIDLE, ExtendedSocketOptions.TCP_KEEPIDLE),
            Map.entry(IocpChannelOption.TCP_KEEPINTVL, ExtendedSocketOptions.TCP_KEEPINTERVAL),
            Map.entry(IocpChannelOption.TCP_KEEPCNT, ExtendedSocketOptions.TCP_KEEPCOUNT),
            Map.entry(IocpChannelOption.TCP_FASTOPEN, PortSocketOptions.TCP_FASTOPEN),
            Map.entry(IocpChannelOption.TCP_FASTOPEN_CONNECT, PortSocketOptions.TCP_FASTOPEN_CONNECT),
            Map.entry(IocpChannelOption.TCP_QUICKACK, ExtendedSocketOptions.TCP_QUICKACK),
            Map.entry(IocpChannelOption.TCP_CORK, PortSocketOptions.TCP_CORK),
            Map.entry(IocpChannelOption.TCP_NOTSENT_LOWAT, PortSocketOptions.TCP_NOTSENT_LOWAT),
            Map.entry(IocpChannelOption.TCP_DEFER_ACCEPT, PortSocketOptions.TCP_DEFER_ACCEPT),
            Map.entry(IocpChannelOption.IP_FREEBIND, PortSocketOptions.IP_FREEBIND),
            Map.entry(IocpChannelOption.IP_TRANSPARENT, PortSocketOptions.IP_TRANSPARENT),
            Map.entry(IocpChannelOption.SO_BUSY_POLL, PortSocketOptions.SO_BUSY_POLL),
            Map.entry(IocpChannelOption.IP_BIND_ADDRESS_NO_PORT, PortSocketOptions.IP_BIND_ADDRESS_NO_PORT));

    private SocketOptionAccess() {
    }

    static <T> T get(PortSocket socket, SocketOption<T> option) {
        try {
            return socket.getOption(option);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    static <T> void set(PortSocket socket, SocketOption<T> option, T value) {
        try {
            socket.setOption(option, value);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    /** The socket option behind a channel option, or null if it is not a socket option. */
    @SuppressWarnings("unchecked")
    static <T> SocketOption<T> socketOption(ChannelOption<T> option) {
        return (SocketOption<T>) SOCKET_OPTIONS.get(option);
    }
}
