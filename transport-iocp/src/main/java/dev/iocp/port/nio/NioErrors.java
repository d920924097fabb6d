package dev.iocp.port.nio;

import dev.iocp.port.Errno;
import dev.iocp.port.PortException;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.HashMap;
import java.util.Map;

/**
 * Translates what java.nio throws into errno numbers in Linux numbering, the vocabulary every
 * backend's completions use (as libuv translates Windows errors into its own).
 *
 * <p>The JDK builds the message of a failed system call from {@code strerror(errno)}, so the
 * message is looked up first, against the descriptions {@link Errno} knows: that keeps the
 * exact error where a single exception class covers several (a {@link ConnectException} may be
 * ECONNREFUSED or ETIMEDOUT; a {@link BindException} EADDRINUSE, EADDRNOTAVAIL or EACCES). The
 * exception's class decides when the message is not a known one (another platform's wording),
 * and the channel-state exceptions java.nio raises before any system call map to what Linux
 * would have answered.
 */
final class NioErrors {
    /** strerror text → errno, built from {@link Errno}'s table plus the JDK's own wordings. */
    private static final Map<String, Integer> BY_MESSAGE = new HashMap<>();

    static {
        for (int errno = 1; errno < 134; errno++) {
            String described = Errno.describe(errno); // "ECONNREFUSED (Connection refused)"
            int open = described.indexOf(" (");
            if (open > 0 && described.endsWith(")")) {
                BY_MESSAGE.put(described.substring(open + 2, described.length() - 1), errno);
            }
        }
        // The JDK reports ECONNRESET on reads as "Connection reset", not strerror's wording.
        BY_MESSAGE.put("Connection reset", Errno.ECONNRESET);
    }

    private NioErrors() {
    }

    /**
     * The errno (positive) for an exception java.nio threw from an I/O call.
     *
     * @throws RuntimeException the exception itself when it is an unchecked one that does not
     *                          describe a channel or socket state or an invalid argument: a
     *                          bug, not an I/O error
     */
    static int errno(Exception e) {
        Integer byMessage = e instanceof IOException ? byMessage(e.getMessage()) : null;
        if (byMessage != null) {
            return byMessage;
        }
        return switch (e) {
            case PortException p -> p.errno(); // raised here, already in errno terms
            case ConnectException c -> Errno.ECONNREFUSED;
            case NoRouteToHostException n -> Errno.EHOSTUNREACH;
            case BindException b -> Errno.EADDRINUSE;
            case PortUnreachableException p -> Errno.ECONNREFUSED;
            case SocketTimeoutException t -> Errno.ETIMEDOUT;
            // The channel is gone: java.nio closes it itself after a failed connect, and the
            // socket's connection is then as unusable as a never-connected one.
            case ClosedChannelException c -> Errno.ENOTCONN;
            case IOException other -> Errno.EIO;
            case NotYetConnectedException n -> Errno.ENOTCONN;
            case NoConnectionPendingException n -> Errno.ENOTCONN;
            case AlreadyConnectedException a -> Errno.EISCONN;
            case ConnectionPendingException c -> Errno.EALREADY;
            case AlreadyBoundException a -> Errno.EINVAL;
            case NotYetBoundException n -> Errno.EINVAL;
            case UnsupportedAddressTypeException u -> Errno.EAFNOSUPPORT;
            case UnresolvedAddressException u -> Errno.EINVAL;
            // A value the JDK refuses to pass on, as setsockopt(2) refuses it.
            case IllegalArgumentException invalid -> Errno.EINVAL;
            case RuntimeException bug -> throw bug;
            default -> Errno.EIO;
        };
    }

    /** The negative result a completion carries for {@code e}. */
    static int result(Exception e) {
        return -errno(e);
    }

    /**
     * A {@link PortException} naming the operation, the address and the errno, for the
     * synchronous calls; the JDK's exception is kept as the cause.
     */
    static PortException exception(String operation, SocketAddress address, Exception e) {
        PortException failure = PortException.of(operation, address, result(e));
        failure.initCause(e);
        return failure;
    }

    private static Integer byMessage(String message) {
        if (message == null) {
            return null;
        }
        Integer errno = BY_MESSAGE.get(message);
        if (errno == null) {
            // Some JDK paths append context: "Address already in use (Bind failed)", "...: connect".
            int cut = indexOfAny(message, " (", ": ");
            if (cut > 0) {
                errno = BY_MESSAGE.get(message.substring(0, cut));
            }
        }
        return errno;
    }

    private static int indexOfAny(String message, String first, String second) {
        int a = message.indexOf(first);
        int b = message.indexOf(second);
        return a < 0 ? b : b < 0 ? a : Math.min(a, b);
    }
}
