package dev.iocp.port.uring.sys;

/**
 * Numbers from the Linux UAPI headers that the io_uring backend passes to the kernel
 * ({@code io_uring.h}, {@code socket.h}, {@code in.h}, {@code tcp.h}). Values are the same on
 * every architecture Linux supports for io_uring except where noted.
 */
public final class LinuxConstants {
    // io_uring_setup flags (io_uring_setup(2))
    public static final int IORING_SETUP_CQSIZE = 1 << 3;
    public static final int IORING_SETUP_CLAMP = 1 << 4;
    public static final int IORING_SETUP_R_DISABLED = 1 << 6;
    public static final int IORING_SETUP_SUBMIT_ALL = 1 << 7;
    public static final int IORING_SETUP_COOP_TASKRUN = 1 << 8;
    public static final int IORING_SETUP_TASKRUN_FLAG = 1 << 9;
    public static final int IORING_SETUP_SINGLE_ISSUER = 1 << 12;
    public static final int IORING_SETUP_DEFER_TASKRUN = 1 << 13;
    public static final int IORING_SETUP_NO_SQARRAY = 1 << 16;

    // io_uring_params.features
    public static final int IORING_FEAT_SINGLE_MMAP = 1;
    public static final int IORING_FEAT_NODROP = 1 << 1;
    public static final int IORING_FEAT_SUBMIT_STABLE = 1 << 2;
    public static final int IORING_FEAT_FAST_POLL = 1 << 5;
    public static final int IORING_FEAT_EXT_ARG = 1 << 8;
    /** io_uring_enter takes IORING_ENTER_NO_IOWAIT (6.15). */
    public static final int IORING_FEAT_NO_IOWAIT = 1 << 17;

    // io_uring_enter flags
    public static final int IORING_ENTER_GETEVENTS = 1;
    public static final int IORING_ENTER_EXT_ARG = 1 << 3;
    public static final int IORING_ENTER_REGISTERED_RING = 1 << 4;
    /** A wait does not mark the thread as in iowait (6.15; an unknown flag is EINVAL before). */
    public static final int IORING_ENTER_NO_IOWAIT = 1 << 7;

    // SQ ring flags
    public static final int IORING_SQ_CQ_OVERFLOW = 1 << 1;
    public static final int IORING_SQ_TASKRUN = 1 << 2;

    // mmap offsets of the rings
    public static final long IORING_OFF_SQ_RING = 0L;
    public static final long IORING_OFF_SQES = 0x10000000L;

    // io_uring_register opcodes
    public static final int IORING_REGISTER_PROBE = 8;
    public static final int IORING_REGISTER_ENABLE_RINGS = 12;
    public static final int IORING_REGISTER_RING_FDS = 20;
    public static final int IORING_UNREGISTER_RING_FDS = 21;
    /** Registers a provided buffer ring ({@code struct io_uring_buf_reg}), 5.19. */
    public static final int IORING_REGISTER_PBUF_RING = 22;
    public static final int IORING_UNREGISTER_PBUF_RING = 23;
    /** Posts a MSG_RING SQE without a ring of one's own (6.13). */
    public static final int IORING_REGISTER_SEND_MSG_RING = 31;

    // io_uring_buf_reg.flags
    /**
     * Incremental consumption (6.12): a receive takes only the bytes it needs from a provided
     * buffer and the kernel keeps the rest of it at the ring's head, flagging the CQE
     * {@link #IORING_CQE_F_BUF_MORE} ({@code man io_uring_register_buf_ring.3}).
     */
    public static final int IOU_PBUF_RING_INC = 2;
    public static final int IO_URING_OP_SUPPORTED = 1;

    // opcodes
    public static final byte IORING_OP_NOP = 0;
    public static final byte IORING_OP_POLL_ADD = 6;
    public static final byte IORING_OP_SENDMSG = 9;
    public static final byte IORING_OP_RECVMSG = 10;
    public static final byte IORING_OP_TIMEOUT = 11;
    public static final byte IORING_OP_ACCEPT = 13;
    public static final byte IORING_OP_ASYNC_CANCEL = 14;
    public static final byte IORING_OP_CONNECT = 16;
    public static final byte IORING_OP_CLOSE = 19;
    /** splice(2) as a request (5.7); io_uring always runs it in an io-wq worker. */
    public static final byte IORING_OP_SPLICE = 30;
    public static final byte IORING_OP_READ = 22;
    public static final byte IORING_OP_SEND = 26;
    public static final byte IORING_OP_RECV = 27;
    public static final byte IORING_OP_SHUTDOWN = 34;
    public static final byte IORING_OP_MSG_RING = 40;
    /** Not used; its presence marks a 5.19 kernel (as Netty infers multishot accept from it). */
    public static final byte IORING_OP_SOCKET = 45;
    /** Zero-copy send (6.0): a result CQE flagged {@link #IORING_CQE_F_MORE}, then a notification. */
    public static final byte IORING_OP_SEND_ZC = 47;
    /** Zero-copy sendmsg (6.1), completing as {@link #IORING_OP_SEND_ZC} does. */
    public static final byte IORING_OP_SENDMSG_ZC = 48;

    // SQE flags (io_uring_sqe.flags)
    /**
     * The next SQE runs only once this one has completed, and is cancelled (-ECANCELED) if this
     * one fails or, for a splice, moves fewer bytes than asked (5.3).
     */
    public static final byte IOSQE_IO_LINK = 1 << 2;
    /** Issue the request from an io-wq worker rather than inline in the submitting thread (5.6). */
    public static final byte IOSQE_ASYNC = 1 << 4;
    /** Take the buffer from the provided buffer group named in {@code buf_group} (5.7; rings 5.19). */
    public static final byte IOSQE_BUFFER_SELECT = 1 << 5;

    // async cancel flags (5.19)
    public static final int IORING_ASYNC_CANCEL_ALL = 1;
    public static final int IORING_ASYNC_CANCEL_FD = 1 << 1;
    public static final int IORING_ASYNC_CANCEL_ANY = 1 << 2;

    // send/recv ioprio flags (5.19)
    public static final short IORING_RECVSEND_POLL_FIRST = 1;
    /** Multishot receive (6.0): one SQE, a CQE flagged F_MORE per arrival; needs IOSQE_BUFFER_SELECT. */
    public static final short IORING_RECV_MULTISHOT = 1 << 1;

    // CQE flags
    /** The CQE used a provided buffer, whose id is {@code flags >>> IORING_CQE_BUFFER_SHIFT}. */
    public static final int IORING_CQE_F_BUFFER = 1;
    /** The request stays armed: more CQEs with the same user_data follow (multishot). */
    public static final int IORING_CQE_F_MORE = 1 << 1;
    public static final int IORING_CQE_F_SOCK_NONEMPTY = 1 << 2;
    /** A zero-copy send's notification: the kernel no longer uses the request's memory (6.0). */
    public static final int IORING_CQE_F_NOTIF = 1 << 3;
    /** Incremental buffers (6.12): the kernel keeps using the CQE's buffer; do not give it back yet. */
    public static final int IORING_CQE_F_BUF_MORE = 1 << 4;
    public static final int IORING_CQE_BUFFER_SHIFT = 16;

    // splice(2) flags; SPLICE_F_MOVE is left out: a no-op hint since 2.6.21 (splice(2))
    /** Do not wait on the pipe (a full pipe to fill, an empty one to drain): EAGAIN instead. */
    public static final int SPLICE_F_NONBLOCK = 2;

    // poll(2) events
    public static final int POLLOUT = 4;
    public static final int POLLERR = 8;
    public static final int POLLHUP = 0x10;
    /** The peer shut its side down (a FIN arrived). */
    public static final int POLLRDHUP = 0x2000;

    // fcntl(2) commands and open(2) flags
    /** Reads a descriptor's flags: EBADF says it is not open. */
    public static final int F_GETFD = 1;
    public static final int F_DUPFD_CLOEXEC = 1030;
    /** Sets a pipe's capacity (2.6.35); above /proc/sys/fs/pipe-max-size only with CAP_SYS_RESOURCE. */
    public static final int F_SETPIPE_SZ = 1031;
    public static final int F_GETPIPE_SZ = 1032;
    public static final int O_CLOEXEC = 0x80000;

    // mmap
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int MAP_POPULATE = 0x8000;

    // eventfd
    public static final int EFD_CLOEXEC = 0x80000;

    // sockets
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_UNSPEC = 0;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int MSG_NOSIGNAL = 0x4000;
    /** In a received msghdr's {@code msg_flags}: the datagram was longer than the buffers. */
    public static final int MSG_TRUNC = 0x20;
    /** In a received msghdr's {@code msg_flags}: control data (descriptors) did not fit the buffer. */
    public static final int MSG_CTRUNC = 0x8;
    /** A receive's flag: descriptors received with {@code SCM_RIGHTS} are made close-on-exec. */
    public static final int MSG_CMSG_CLOEXEC = 0x40000000;
    /** A control message of level {@link #SOL_SOCKET} carrying descriptors ({@code unix(7)}). */
    public static final int SCM_RIGHTS = 1;
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;

    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_BROADCAST = 6;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_LINGER = 13;
    public static final int SO_REUSEPORT = 15;
    /** {@code struct ucred} of an AF_UNIX peer: pid, uid, gid as three ints ({@code unix(7)}). */
    public static final int SO_PEERCRED = 17;
    public static final int SO_BUSY_POLL = 46;

    public static final int IPPROTO_IP = 0;
    public static final int IP_TOS = 1;
    public static final int IP_FREEBIND = 15;
    public static final int IP_TRANSPARENT = 19;
    public static final int IP_BIND_ADDRESS_NO_PORT = 24;
    /** Takes a {@code struct ip_mreqn}; reads back only an {@code in_addr}. */
    public static final int IP_MULTICAST_IF = 32;
    public static final int IP_MULTICAST_TTL = 33;
    public static final int IP_MULTICAST_LOOP = 34;
    /**
     * Protocol-independent membership ({@code struct group_req} / {@code group_source_req},
     * RFC 3678), at level IPPROTO_IP for an IPv4 group and IPPROTO_IPV6 for an IPv6 one.
     */
    public static final int MCAST_JOIN_GROUP = 42;
    public static final int MCAST_LEAVE_GROUP = 45;
    public static final int MCAST_JOIN_SOURCE_GROUP = 46;
    public static final int MCAST_LEAVE_SOURCE_GROUP = 47;
    public static final int IPPROTO_TCP = 6;
    public static final int TCP_NODELAY = 1;
    public static final int TCP_CORK = 3;
    public static final int TCP_KEEPIDLE = 4;
    public static final int TCP_KEEPINTVL = 5;
    public static final int TCP_KEEPCNT = 6;
    public static final int TCP_DEFER_ACCEPT = 9;
    public static final int TCP_INFO = 11;
    public static final int TCP_QUICKACK = 12;
    public static final int TCP_USER_TIMEOUT = 18;
    public static final int TCP_FASTOPEN = 23;
    public static final int TCP_NOTSENT_LOWAT = 25;
    public static final int TCP_FASTOPEN_CONNECT = 30;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPV6_MULTICAST_IF = 17;
    public static final int IPV6_MULTICAST_HOPS = 18;
    public static final int IPV6_MULTICAST_LOOP = 19;
    public static final int IPV6_V6ONLY = 26;
    public static final int IPV6_TCLASS = 67;

    public static final int RLIMIT_MEMLOCK = 8;

    private LinuxConstants() {
    }
}
