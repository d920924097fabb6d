package dev.iocp.channel;

import io.netty.channel.ChannelOption;
import io.netty.channel.unix.UnixChannelOption;

/**
 * Channel options of this transport beyond Netty's standard ones: Linux TCP settings that
 * {@code NioSocketChannel} does not expose directly, named as {@code EpollChannelOption} names them.
 *
 * <p>Where Netty already has the option, it is the same constant ({@link #SO_REUSEPORT},
 * {@link #TCP_FASTOPEN}, {@link #TCP_FASTOPEN_CONNECT}), so code written for epoll or io_uring
 * sets it unchanged. The others exist on every backend; where a backend cannot set one (java.nio
 * has no way to set most of them) the channel's config reports it as Netty reports an option it
 * does not know: {@code setOption} returns false and {@code getOption} returns null.
 */
public final class IocpChannelOption {

    /**
     * SO_REUSEPORT: several listening sockets on one port, load-balanced by the kernel. The same
     * option as {@link UnixChannelOption#SO_REUSEPORT} (and so {@code EpollChannelOption.SO_REUSEPORT}).
     */
    public static final ChannelOption<Boolean> SO_REUSEPORT = UnixChannelOption.SO_REUSEPORT;
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
    /**
     * TCP_CORK: hold back partial segments until the option is cleared (which sends them), or
     * for at most 200 ms. io_uring only.
     */
    public static final ChannelOption<Boolean> TCP_CORK = ChannelOption.valueOf(IocpChannelOption.class, "TCP_CORK");
    /**
     * TCP_NOTSENT_LOWAT: how many unsent bytes the socket may hold before it stops taking more
     * (an unsigned 32-bit number: 0 to 4294967295, the default meaning no limit). io_uring only.
     */
    public static final ChannelOption<Long> TCP_NOTSENT_LOWAT =
            ChannelOption.valueOf(IocpChannelOption.class, "TCP_NOTSENT_LOWAT");
    /**
     * TCP_DEFER_ACCEPT on a server channel: seconds to wait for a connection's first data before
     * accepting it (0: off). The kernel counts it in SYN-ACK retransmissions, so it reads back
     * rounded up to what those take (1, 3, 7, 15, ... seconds). io_uring only.
     */
    public static final ChannelOption<Integer> TCP_DEFER_ACCEPT =
            ChannelOption.valueOf(IocpChannelOption.class, "TCP_DEFER_ACCEPT");
    /** IP_FREEBIND: bind to an address not (yet) configured on this host. io_uring only. */
    public static final ChannelOption<Boolean> IP_FREEBIND = ChannelOption.valueOf(IocpChannelOption.class, "IP_FREEBIND");
    /**
     * IP_TRANSPARENT: bind to and accept for non-local addresses, for transparent proxies. Turning
     * it on needs CAP_NET_ADMIN (or CAP_NET_RAW); without, setting it fails with a
     * {@link io.netty.channel.ChannelException} naming EPERM. io_uring only.
     */
    public static final ChannelOption<Boolean> IP_TRANSPARENT =
            ChannelOption.valueOf(IocpChannelOption.class, "IP_TRANSPARENT");
    /**
     * SO_BUSY_POLL: microseconds a receive may busy-poll the device queue (0: off). Raising it
     * needs CAP_NET_ADMIN, and a kernel built with CONFIG_NET_RX_BUSY_POLL. io_uring only.
     */
    public static final ChannelOption<Integer> SO_BUSY_POLL = ChannelOption.valueOf(IocpChannelOption.class, "SO_BUSY_POLL");
    /**
     * IP_BIND_ADDRESS_NO_PORT on a client channel: a bind to port 0 leaves the port to the
     * connect, so connections from one local address to distinct peers can share ports.
     * io_uring only.
     */
    public static final ChannelOption<Boolean> IP_BIND_ADDRESS_NO_PORT =
            ChannelOption.valueOf(IocpChannelOption.class, "IP_BIND_ADDRESS_NO_PORT");
    /**
     * Sends of at least this many bytes go out zero-copy: the kernel sends from the message's
     * memory instead of copying it into the socket first (io_uring SEND_ZC, Linux 6.0; SENDMSG_ZC
     * for gathering sends, 6.1). {@code -1}, the default, turns it off; {@code 0} makes every send
     * zero-copy. Values below -1 are refused.
     *
     * <p>A zero-copy send completes its writes' promises with its result, as any send does, and
     * the next send goes out at once; but the kernel keeps reading the messages' memory until the
     * peer has acknowledged the data, so the channel keeps them retained until the kernel says it
     * has let go (io_uring's notification). It pays for large writes to a network device, from
     * about 10 KB (the kernel's MSG_ZEROCOPY notes); to a peer on the same host the kernel copies
     * the data anyway, later, so there it only costs. Pinned pages count against RLIMIT_MEMLOCK:
     * a send refused for it fails with ENOMEM (raise {@code ulimit -l}).
     *
     * <p>The retains keep the allocator from reusing the memory, not a caller from changing it: a
     * buffer the caller kept (retained, shared, static) must not be written to after its write's
     * promise completed, until the peer has the data, or the changed bytes may go on the wire.
     *
     * <p>Where the transport cannot send without copying (the nio backend, or a kernel without
     * these operations) the option is accepted and sends copy as usual.
     */
    public static final ChannelOption<Integer> SEND_ZEROCOPY_THRESHOLD =
            ChannelOption.valueOf(IocpChannelOption.class, "SEND_ZEROCOPY_THRESHOLD");

    private IocpChannelOption() {
    }
}
