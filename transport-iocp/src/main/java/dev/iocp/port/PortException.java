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

    private final int errno;

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
     */
    public static PortException of(String operation, SocketAddress address, int result) {
        StringBuilder message = new StringBuilder(operation).append('(');
        if (address != null) {
            message.append(format(address));
        }
        return new PortException(message.append("): ").append(Errno.describe(result)).toString(), result);
    }

    /** Like {@link #of(String, SocketAddress, int)}, naming the operation by its kind. */
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

    /** The positive error number, in Linux numbering. */
    public int errno() {
        return errno;
    }

    /** The symbolic name of {@link #errno()}. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
