package dev.iocp.channel;

import io.netty.channel.ChannelOption;

/**
 * Channel options of this transport beyond Netty's standard ones: Linux TCP settings that
 * {@code NioSocketChannel} does not expose directly, named as {@code EpollChannelOption} names them.
 */
public final class IocpChannelOption {

    /** SO_REUSEPORT: several listening sockets on one port, load-balanced by the kernel. */
    public static final ChannelOption<Boolean> SO_REUSEPORT = ChannelOption.valueOf(IocpChannelOption.class, "SO_REUSEPORT");
    /** TCP_USER_TIMEOUT in milliseconds: how long sent data may go unacknowledged. */
    public static final ChannelOption<Integer> TCP_USER_TIMEOUT =
            ChannelOption.valueOf(IocpChannelOption.class, "TCP_USER_TIMEOUT");
    /** TCP_KEEPIDLE in seconds: idle time before the first keep-alive probe. */
    public static final ChannelOption<Integer> TCP_KEEPIDLE = ChannelOption.valueOf(IocpChannelOption.class, "TCP_KEEPIDLE");
    /** TCP_KEEPINTVL in seconds: time between keep-alive probes. */
    public static final ChannelOption<Integer> TCP_KEEPINTVL = ChannelOption.valueOf(IocpChannelOption.class, "TCP_KEEPINTVL");
    /** TCP_KEEPCNT: probes before the connection is dropped. */
    public static final ChannelOption<Integer> TCP_KEEPCNT = ChannelOption.valueOf(IocpChannelOption.class, "TCP_KEEPCNT");
    /**
     * TCP_FASTOPEN on a server channel: the queue length for TFO requests (0 disables). The same
     * option as Netty's {@link ChannelOption#TCP_FASTOPEN}, so code written for epoll sets it unchanged.
     */
    public static final ChannelOption<Integer> TCP_FASTOPEN = ChannelOption.TCP_FASTOPEN;
    /** TCP_FASTOPEN_CONNECT on a client channel; the same option as {@link ChannelOption#TCP_FASTOPEN_CONNECT}. */
    public static final ChannelOption<Boolean> TCP_FASTOPEN_CONNECT = ChannelOption.TCP_FASTOPEN_CONNECT;
    /** TCP_QUICKACK: acknowledge at once rather than delay (the kernel may reset it). */
    public static final ChannelOption<Boolean> TCP_QUICKACK = ChannelOption.valueOf(IocpChannelOption.class, "TCP_QUICKACK");

    private IocpChannelOption() {
    }
}
