package dev.iocp.port.uring.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * {@code struct sockaddr_in} and {@code struct sockaddr_in6}: encoding an
 * {@link InetSocketAddress} for the kernel and decoding what it returns. An IPv4 address given to
 * an IPv6 (dual-stack) socket is encoded as a v4-mapped address; a v4-mapped address coming back
 * is decoded as the {@link Inet4Address} it maps, as {@code java.nio} reports it.
 */
public final class Sockaddr {
    /** {@code struct sockaddr_in} (16 bytes). Port and address are in network byte order. */
    public static final StructLayout SOCKADDR_IN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sin_family"), JAVA_SHORT.withName("sin_port"), JAVA_INT.withName("sin_addr"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sin_zero"));

    /** {@code struct sockaddr_in6} (28 bytes). */
    public static final StructLayout SOCKADDR_IN6 = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sin6_family"), JAVA_SHORT.withName("sin6_port"), JAVA_INT.withName("sin6_flowinfo"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"), JAVA_INT.withName("sin6_scope_id"));

    /** Room for either. */
    public static final int MAX_SIZE = (int) SOCKADDR_IN6.byteSize();

    private static final long IN_PORT = IoUringLayouts.offset(SOCKADDR_IN, "sin_port");
    private static final long IN_ADDR = IoUringLayouts.offset(SOCKADDR_IN, "sin_addr");
    private static final long IN6_PORT = IoUringLayouts.offset(SOCKADDR_IN6, "sin6_port");
    private static final long IN6_ADDR = IoUringLayouts.offset(SOCKADDR_IN6, "sin6_addr");
    private static final long IN6_SCOPE = IoUringLayouts.offset(SOCKADDR_IN6, "sin6_scope_id");
    private static final ValueLayout.OfShort NET_SHORT = JAVA_SHORT.withOrder(java.nio.ByteOrder.BIG_ENDIAN);

    private Sockaddr() {
    }

    /**
     * Writes {@code address} at {@code offset} of {@code segment} for a socket of family
     * {@code socketFamily} ({@link LinuxConstants#AF_INET} or {@link LinuxConstants#AF_INET6}).
     *
     * @return the length to pass to the kernel
     * @throws IllegalArgumentException if the address is unresolved, or IPv6 on an IPv4 socket
     */
    public static int encode(MemorySegment segment, long offset, InetSocketAddress address, int socketFamily) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("unresolved address: " + address.getHostString() + ":" + address.getPort());
        }
        byte[] bytes = ip.getAddress();
        segment.asSlice(offset, MAX_SIZE).fill((byte) 0);
        if (socketFamily == LinuxConstants.AF_INET) {
            if (bytes.length != 4) {
                throw new IllegalArgumentException("IPv6 address " + ip.getHostAddress() + " on an IPv4 socket");
            }
            segment.set(JAVA_SHORT, offset, (short) LinuxConstants.AF_INET);
            segment.set(NET_SHORT, offset + IN_PORT, (short) address.getPort());
            MemorySegment.copy(bytes, 0, segment, JAVA_BYTE, offset + IN_ADDR, 4);
            return (int) SOCKADDR_IN.byteSize();
        }
        segment.set(JAVA_SHORT, offset, (short) LinuxConstants.AF_INET6);
        segment.set(NET_SHORT, offset + IN6_PORT, (short) address.getPort());
        if (bytes.length == 4 && ip.isAnyLocalAddress()) {
            // 0.0.0.0 on a dual-stack socket means "any address", IPv6 included, as in java.nio
            return (int) SOCKADDR_IN6.byteSize();
        }
        if (bytes.length == 4) {
            // ::ffff:a.b.c.d, so a dual-stack socket reaches an IPv4 peer
            segment.set(JAVA_BYTE, offset + IN6_ADDR + 10, (byte) 0xff);
            segment.set(JAVA_BYTE, offset + IN6_ADDR + 11, (byte) 0xff);
            MemorySegment.copy(bytes, 0, segment, JAVA_BYTE, offset + IN6_ADDR + 12, 4);
        } else {
            MemorySegment.copy(bytes, 0, segment, JAVA_BYTE, offset + IN6_ADDR, 16);
            if (ip instanceof Inet6Address v6) {
                segment.set(JAVA_INT, offset + IN6_SCOPE, v6.getScopeId());
            }
        }
        return (int) SOCKADDR_IN6.byteSize();
    }

    /** Reads the address the kernel wrote at {@code offset}; {@code null} for an unnamed one. */
    public static InetSocketAddress decode(MemorySegment segment, long offset) {
        return decode(segment, offset, null);
    }

    /**
     * As {@link #decode(MemorySegment, long)}, sharing {@code like}'s objects where the bytes name
     * the same IPv4 address (also v4-mapped): its {@code InetAddress} for the same host, and
     * {@code like} itself for the same port too. The connections a listener accepts share their
     * local address, and many come from one peer host; unshared, each would keep an
     * {@code InetAddress} (56 bytes of heap) or a whole {@code InetSocketAddress} (96) of its own.
     *
     * @param like an address decoded before, or null
     */
    public static InetSocketAddress decode(MemorySegment segment, long offset, InetSocketAddress like) {
        InetSocketAddress shared = like == null ? null : same(segment, offset, like);
        if (shared != null) {
            return shared;
        }
        int family = segment.get(JAVA_SHORT, offset);
        try {
            if (family == LinuxConstants.AF_INET) {
                byte[] ip = new byte[4];
                MemorySegment.copy(segment, JAVA_BYTE, offset + IN_ADDR, ip, 0, 4);
                int port = Short.toUnsignedInt(segment.get(NET_SHORT, offset + IN_PORT));
                return new InetSocketAddress(InetAddress.getByAddress(ip), port);
            }
            if (family == LinuxConstants.AF_INET6) {
                byte[] ip = new byte[16];
                MemorySegment.copy(segment, JAVA_BYTE, offset + IN6_ADDR, ip, 0, 16);
                int port = Short.toUnsignedInt(segment.get(NET_SHORT, offset + IN6_PORT));
                int scope = segment.get(JAVA_INT, offset + IN6_SCOPE);
                // getByAddress turns a v4-mapped address into an Inet4Address by itself
                InetAddress address = InetAddress.getByAddress(ip);
                if (address instanceof Inet6Address && scope != 0) {
                    address = Inet6Address.getByAddress(null, ip, scope);
                }
                return new InetSocketAddress(address, port);
            }
            return null;
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4- or 16-byte address is always valid", e);
        }
    }

    /** {@code like}, or an address on {@code like}'s host, when the sockaddr names its IPv4 host; else null. */
    private static InetSocketAddress same(MemorySegment segment, long offset, InetSocketAddress like) {
        if (!(like.getAddress() instanceof Inet4Address host)) {
            return null;
        }
        int family = segment.get(JAVA_SHORT, offset);
        long ip;
        int port;
        if (family == LinuxConstants.AF_INET) {
            ip = offset + IN_ADDR;
            port = Short.toUnsignedInt(segment.get(NET_SHORT, offset + IN_PORT));
        } else if (family == LinuxConstants.AF_INET6 && segment.get(JAVA_LONG, offset + IN6_ADDR) == 0
                && segment.get(JAVA_SHORT, offset + IN6_ADDR + 8) == 0
                && segment.get(JAVA_SHORT, offset + IN6_ADDR + 10) == (short) 0xffff) {
            ip = offset + IN6_ADDR + 12; // v4-mapped: decoded as an Inet4Address too
            port = Short.toUnsignedInt(segment.get(NET_SHORT, offset + IN6_PORT));
        } else {
            return null;
        }
        byte[] known = host.getAddress();
        for (int i = 0; i < 4; i++) {
            if (segment.get(JAVA_BYTE, ip + i) != known[i]) {
                return null;
            }
        }
        return port == like.getPort() ? like : new InetSocketAddress(host, port);
    }
}
