package dev.iocp.port.uring.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The socket structures datagram sockets hand the kernel, as {@link StructLayout}s with their
 * offsets derived by name (x86-64 and aarch64 agree on all of them):
 * {@code struct msghdr} ({@code sendmsg(2)}/{@code recvmsg(2)}) and the {@code struct cmsghdr}
 * of its control messages ({@code cmsg(3)}), {@code struct ip_mreqn}
 * ({@code IP_MULTICAST_IF}) and RFC 3678's {@code struct group_req}/{@code group_source_req}
 * ({@code MCAST_JOIN_GROUP} and friends, {@code ip(7)}, {@code ipv6(7)}).
 */
public final class SocketLayouts {

    /** {@code struct msghdr} (56 bytes). */
    public static final StructLayout MSGHDR = MemoryLayout.structLayout(
            JAVA_LONG.withName("msg_name"), JAVA_INT.withName("msg_namelen"), MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("msg_iov"), JAVA_LONG.withName("msg_iovlen"),
            JAVA_LONG.withName("msg_control"), JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"), MemoryLayout.paddingLayout(4));
    public static final long MSG_NAME = IoUringLayouts.offset(MSGHDR, "msg_name");
    public static final long MSG_NAMELEN = IoUringLayouts.offset(MSGHDR, "msg_namelen");
    public static final long MSG_IOV = IoUringLayouts.offset(MSGHDR, "msg_iov");
    public static final long MSG_IOVLEN = IoUringLayouts.offset(MSGHDR, "msg_iovlen");
    public static final long MSG_CONTROL = IoUringLayouts.offset(MSGHDR, "msg_control");
    public static final long MSG_CONTROLLEN = IoUringLayouts.offset(MSGHDR, "msg_controllen");
    public static final long MSG_FLAGS = IoUringLayouts.offset(MSGHDR, "msg_flags");

    /**
     * {@code struct cmsghdr} (16 bytes): the header of a control message, whose data follows it
     * ({@code CMSG_DATA}); messages follow one another {@code CMSG_ALIGN}ed to 8 bytes.
     */
    public static final StructLayout CMSGHDR = MemoryLayout.structLayout(
            JAVA_LONG.withName("cmsg_len"), JAVA_INT.withName("cmsg_level"), JAVA_INT.withName("cmsg_type"));
    public static final long CMSG_LEN = IoUringLayouts.offset(CMSGHDR, "cmsg_len");
    public static final long CMSG_LEVEL = IoUringLayouts.offset(CMSGHDR, "cmsg_level");
    public static final long CMSG_TYPE = IoUringLayouts.offset(CMSGHDR, "cmsg_type");

    /** {@code CMSG_ALIGN}: control messages and their data start at multiples of 8. */
    public static long cmsgAlign(long length) {
        return (length + 7) & ~7L;
    }

    /** {@code CMSG_LEN(dataBytes)}: the {@code cmsg_len} of a message with that much data. */
    public static long cmsgLength(long dataBytes) {
        return cmsgAlign(CMSGHDR.byteSize()) + dataBytes;
    }

    /** {@code CMSG_SPACE(dataBytes)}: the room a message with that much data takes, padding included. */
    public static long cmsgSpace(long dataBytes) {
        return cmsgAlign(CMSGHDR.byteSize()) + cmsgAlign(dataBytes);
    }

    /** {@code struct ip_mreqn} (12 bytes): group, local address, interface index. */
    public static final StructLayout IP_MREQN = MemoryLayout.structLayout(
            JAVA_INT.withName("imr_multiaddr"), JAVA_INT.withName("imr_address"), JAVA_INT.withName("imr_ifindex"));
    public static final long IMR_IFINDEX = IoUringLayouts.offset(IP_MREQN, "imr_ifindex");

    /** {@code struct sockaddr_storage} (128 bytes, 8-aligned), as the group requests embed it. */
    private static final MemoryLayout SOCKADDR_STORAGE = MemoryLayout.sequenceLayout(16, JAVA_LONG);

    /** {@code struct group_req} (136 bytes): interface index, group. */
    public static final StructLayout GROUP_REQ = MemoryLayout.structLayout(
            JAVA_INT.withName("gr_interface"), MemoryLayout.paddingLayout(4),
            SOCKADDR_STORAGE.withName("gr_group"));
    public static final long GR_INTERFACE = IoUringLayouts.offset(GROUP_REQ, "gr_interface");
    public static final long GR_GROUP = IoUringLayouts.offset(GROUP_REQ, "gr_group");

    /** {@code struct group_source_req} (264 bytes): interface index, group, source. */
    public static final StructLayout GROUP_SOURCE_REQ = MemoryLayout.structLayout(
            JAVA_INT.withName("gsr_interface"), MemoryLayout.paddingLayout(4),
            SOCKADDR_STORAGE.withName("gsr_group"), SOCKADDR_STORAGE.withName("gsr_source"));
    public static final long GSR_INTERFACE = IoUringLayouts.offset(GROUP_SOURCE_REQ, "gsr_interface");
    public static final long GSR_GROUP = IoUringLayouts.offset(GROUP_SOURCE_REQ, "gsr_group");
    public static final long GSR_SOURCE = IoUringLayouts.offset(GROUP_SOURCE_REQ, "gsr_source");

    private SocketLayouts() {
    }
}
