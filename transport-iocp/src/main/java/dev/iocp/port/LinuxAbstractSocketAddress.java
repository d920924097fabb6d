package dev.iocp.port;

import java.io.Serial;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A name in Linux's abstract namespace for {@code AF_UNIX} sockets ({@code unix(7)}): a name
 * that is no file, whose first byte in {@code sun_path} is NUL, and which disappears with the
 * last socket bound to it. The JDK's {@link java.net.UnixDomainSocketAddress} holds a
 * {@link java.nio.file.Path}, which cannot contain NUL, so abstract names need a type of their
 * own; only backends that make {@code AF_UNIX} sockets themselves (io_uring) take them.
 *
 * <p>The name is kept as bytes, as the kernel compares it: every byte counts, NULs and trailing
 * bytes included, and nothing terminates it.
 */
public final class LinuxAbstractSocketAddress extends SocketAddress {
    @Serial
    private static final long serialVersionUID = 1L;

    /** {@code sun_path} is 108 bytes; the leading NUL takes one. */
    public static final int MAX_NAME_BYTES = 107;

    /**
     * The name's bytes, without the leading NUL; never handed out, only copies.
     */
    private final byte[] name;

    private LinuxAbstractSocketAddress(byte[] name) {
        if (name.length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("an abstract socket name has at most " + MAX_NAME_BYTES
                    + " bytes, not " + name.length);
        }
        this.name = name;
    }

    /**
     * The abstract name made of {@code name}'s UTF-8 bytes (without the leading NUL).
     *
     * @param name the name; its UTF-8 encoding may have at most {@link #MAX_NAME_BYTES} bytes
     * @return the address
     * @throws IllegalArgumentException for a name longer than {@link #MAX_NAME_BYTES} bytes
     */
    public static LinuxAbstractSocketAddress of(String name) {
        return of(name.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The abstract name made of these bytes (without the leading NUL).
     *
     * @param name the name's bytes, at most {@link #MAX_NAME_BYTES}; copied
     * @return the address
     * @throws NullPointerException     for a null array
     * @throws IllegalArgumentException for more than {@link #MAX_NAME_BYTES} bytes
     */
    public static LinuxAbstractSocketAddress of(byte[] name) {
        return new LinuxAbstractSocketAddress(Objects.requireNonNull(name, "name").clone());
    }

    /**
     * The name's bytes, without the leading NUL.
     *
     * @return a copy of the bytes
     */
    public byte[] name() {
        return name.clone();
    }

    /**
     * How many bytes the name has.
     *
     * @return the byte count, 0 to {@link #MAX_NAME_BYTES}
     */
    public int length() {
        return name.length;
    }

    /**
     * Byte {@code index} of the name.
     *
     * @param index from 0 to {@link #length()} - 1
     * @return the byte
     * @throws ArrayIndexOutOfBoundsException for an index outside the name
     */
    public byte byteAt(int index) {
        return name[index];
    }

    /**
     * The name read as UTF-8 (bytes that are not become U+FFFD).
     *
     * @return the decoded name, for display
     */
    public String nameAsString() {
        return new String(name, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinuxAbstractSocketAddress other && Arrays.equals(name, other.name);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(name);
    }

    /** {@code @name}, as {@code ss} and {@code /proc/net/unix} show an abstract name. */
    @Override
    public String toString() {
        return "@" + nameAsString();
    }
}
