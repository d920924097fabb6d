package dev.iocp.port;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A failed operation or system call. The message names the operation, the address it was
 * about (when there is one) and the error: {@code connect(127.0.0.1:1): ECONNREFUSED (Connection refused)}.
 */
public class PortException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * The positive error number, in Linux numbering.
     */
    private final int errno;

    /**
     * An exception with a message of its own; {@link #of} builds the usual one.
     *
     * @param message what failed, e.g. {@code connect(127.0.0.1:1): ECONNREFUSED (Connection refused)}
     * @param errno   the error number in Linux numbering, positive or negated (a completion's
     *                result): its absolute value is kept
     */
    public PortException(String message, int errno) {
        super(message);
        this.errno = Math.abs(errno);
    }

    /**
     * The exception for a completion that failed with {@code result < 0}.
     *
     * @param operation what was attempted, e.g. {@code connect}
     * @param address   the address it concerned, or {@code null}
     * @param result    the completion's negative result
     * @return an exception whose message is {@code operation(address): NAME (description)}
     */
    public static PortException of(String operation, SocketAddress address, int result) {
        StringBuilder message = new StringBuilder(operation).append('(');
        if (address != null) {
            message.append(format(address));
        }
        return new PortException(message.append("): ").append(Errno.describe(result)).toString(), result);
    }

    /**
     * Like {@link #of(String, SocketAddress, int)}, naming the operation by its kind.
     *
     * @param operation the completion's operation, named in lower case in the message
     * @param address   the address it concerned, or {@code null}
     * @param result    the completion's negative result
     * @return an exception whose message is, e.g., {@code connect(127.0.0.1:1): ECONNREFUSED
     *         (Connection refused)}
     */
    public static PortException of(Operation operation, SocketAddress address, int result) {
        return of(operation.name().toLowerCase(java.util.Locale.ROOT), address, result);
    }

    /** {@code host:port} without the resolver noise of {@link InetSocketAddress#toString()}. */
    static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            String host = inet.getAddress().getHostAddress();
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + inet.getPort() : host + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    /**
     * The positive error number, in Linux numbering.
     *
     * @return the error number, e.g. 111 for {@code ECONNREFUSED}
     */
    public int errno() {
        return errno;
    }

    /**
     * The symbolic name of {@link #errno()}.
     *
     * @return the name, e.g. {@code ECONNREFUSED}; {@code errno 123} for a number
     *         {@link Errno} has no name for
     */
    public String errnoName() {
        return Errno.name(errno);
    }
}
