package dev.iocp.port.uring.sys;

import dev.iocp.port.LinuxAbstractSocketAddress;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.Charset;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * {@code struct sockaddr_un} ({@code unix(7)}): encoding a {@link UnixDomainSocketAddress} or a
 * {@link LinuxAbstractSocketAddress} for the kernel and decoding what it returns.
 *
 * <p>Three kinds of name share the struct, told apart by the length the kernel reports:
 * <ul>
 *   <li>a path: {@code sun_path} holds it NUL-terminated; it is passed with the NUL, as the
 *       man page recommends;</li>
 *   <li>unnamed (a socket never bound, e.g. a client's end): only {@code sun_family}, length 2.
 *       Decoded as the empty path, as the JDK reports it;</li>
 *   <li>abstract: {@code sun_path[0]} is NUL and the name is the {@code length - 3} bytes after
 *       it, NULs included and nothing terminating it.</li>
 * </ul>
 * Paths are encoded in {@code sun.jnu.encoding}, the charset the JDK uses for file names, so a
 * path means the same file here as in {@code java.nio.file}.
 */
public final class SockaddrUn {
    /** {@code struct sockaddr_un} (110 bytes). */
    public static final StructLayout SOCKADDR_UN = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sun_family"), MemoryLayout.sequenceLayout(108, JAVA_BYTE).withName("sun_path"));

    public static final int SIZE = (int) SOCKADDR_UN.byteSize();

    private static final long PATH = IoUringLayouts.offset(SOCKADDR_UN, "sun_path");
    /** A path's bytes, leaving room for its terminating NUL. */
    private static final int MAX_PATH_BYTES = 107;
    private static final Charset FILE_NAMES = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

    private SockaddrUn() {
    }

    /**
     * Writes {@code address} at {@code offset} of {@code segment}.
     *
     * @return the length to pass to the kernel
     * @throws IllegalArgumentException for a path longer than {@code sun_path} holds, or an
     *                                  address of another type
     */
    public static int encode(MemorySegment segment, long offset, SocketAddress address) {
        byte[] path = checkFits(address);
        segment.asSlice(offset, SIZE).fill((byte) 0);
        segment.set(JAVA_SHORT, offset, (short) LinuxConstants.AF_UNIX);
        if (address instanceof LinuxAbstractSocketAddress name) {
            // sun_path[0] stays NUL; the name follows, and the length alone says where it ends.
            for (int i = 0; i < name.length(); i++) {
                segment.set(JAVA_BYTE, offset + PATH + 1 + i, name.byteAt(i));
            }
            return (int) PATH + 1 + name.length();
        }
        MemorySegment.copy(path, 0, segment, JAVA_BYTE, offset + PATH, path.length);
        // The empty path is unnamed: sun_family alone, which bind(2) takes as "autobind".
        return path.length == 0 ? (int) PATH : (int) PATH + path.length + 1;
    }

    /**
     * Checks that {@link #encode} can write {@code address}.
     *
     * @return a path's bytes; null for an abstract name
     * @throws IllegalArgumentException for a path longer than {@code sun_path} holds, or an
     *                                  address of another type
     */
    public static byte[] checkFits(SocketAddress address) {
        if (address instanceof LinuxAbstractSocketAddress) {
            return null; // its constructor has checked its length
        }
        if (!(address instanceof UnixDomainSocketAddress unix)) {
            throw new IllegalArgumentException("not a Unix-domain address: " + address);
        }
        byte[] path = unix.getPath().toString().getBytes(FILE_NAMES);
        if (path.length > MAX_PATH_BYTES) {
            throw new IllegalArgumentException("a Unix-domain socket path has at most " + MAX_PATH_BYTES
                    + " bytes, not " + path.length + ": " + unix.getPath());
        }
        return path;
    }

    /** Whether {@code address} is what an unnamed socket reports: the empty path. */
    public static boolean isUnnamed(SocketAddress address) {
        return address instanceof UnixDomainSocketAddress unix && unix.getPath().toString().isEmpty();
    }

    /**
     * Reads the address the kernel wrote at {@code offset}, {@code length} bytes of it as it
     * reported.
     */
    public static SocketAddress decode(MemorySegment segment, long offset, int length) {
        int pathBytes = Math.min(length, SIZE) - (int) PATH;
        if (pathBytes <= 0) {
            return UnixDomainSocketAddress.of("");
        }
        if (segment.get(JAVA_BYTE, offset + PATH) == 0) {
            byte[] name = new byte[pathBytes - 1];
            MemorySegment.copy(segment, JAVA_BYTE, offset + PATH + 1, name, 0, name.length);
            return LinuxAbstractSocketAddress.of(name);
        }
        int end = 0;
        while (end < pathBytes && segment.get(JAVA_BYTE, offset + PATH + end) != 0) {
            end++;
        }
        byte[] path = new byte[end];
        MemorySegment.copy(segment, JAVA_BYTE, offset + PATH, path, 0, end);
        return UnixDomainSocketAddress.of(new String(path, FILE_NAMES));
    }
}
