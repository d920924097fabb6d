package dev.iocp.channel;

import dev.iocp.port.Errno;
import dev.iocp.port.PortException;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;

/** The exceptions an {@link IocpDatagramChannel} reports for failed receives and sends: those NIO's would. */
final class DatagramErrors {

    private DatagramErrors() {
    }

    /**
     * A failed receive's or send's error as the exception class NIO's datagram channel throws for
     * it: {@code ECONNREFUSED} (a connected socket's peer answered with port unreachable) is
     * {@link PortUnreachableException}, which the JDK's datagram paths throw before anything
     * else; the rest as {@code handleSocketError} ({@code sun.nio.ch.Net}) maps them for an
     * unconnected send or receive: {@code ETIMEDOUT} and {@code ENOTCONN} {@link ConnectException},
     * {@code EHOSTUNREACH} {@link NoRouteToHostException}, {@code EADDRINUSE},
     * {@code EADDRNOTAVAIL} and {@code EACCES} (a broadcast without {@code SO_BROADCAST})
     * {@link BindException}, {@code EPROTO} {@link ProtocolException}, else a
     * {@link SocketException} ({@code EMSGSIZE}, a datagram too large, among them). (A connected
     * NIO channel's write reports those others as a plain {@link IOException}; the class here is
     * the unconnected one's, a subclass of it.) The message names the errno, and the cause
     * carries it.
     */
    static IOException of(PortException cause) {
        String message = cause.getMessage();
        IOException error = switch (cause.errno()) {
            case Errno.ECONNREFUSED -> new PortUnreachableException(message);
            case Errno.ETIMEDOUT, Errno.ENOTCONN -> new ConnectException(message);
            case Errno.EHOSTUNREACH -> new NoRouteToHostException(message);
            case Errno.EADDRINUSE, Errno.EADDRNOTAVAIL, Errno.EACCES -> new BindException(message);
            case Errno.EPROTO -> new ProtocolException(message);
            default -> new SocketException(message);
        };
        error.initCause(cause);
        return error;
    }

    /**
     * What a failed send's promise fails with ({@code result}, described by {@code failure}): as
     * NIO's datagram channel, the error's exception as {@link #of} maps it. A send the channel
     * stopped ({@code stopped}: it cancelled the send, or it is closing) fails as the close fails
     * what it did not send, {@link ClosedChannelException}: {@code -ECANCELED}, or {@code -EPIPE}
     * from a send that started after the close shut the socket's sending side
     * ({@link DatagramSendBatch#stop}). A cancellation the channel did not ask for is an error of
     * its own ({@link SocketException} naming {@code ECANCELED}).
     */
    static Throwable ofSend(int result, PortException failure, boolean stopped) {
        if (result == -Errno.EDESTADDRREQ) {
            return new NotYetConnectedException(); // a bare buffer after a disconnect, as NIO fails it
        }
        if (stopped && (result == -Errno.ECANCELED || result == -Errno.EPIPE)) {
            return new ClosedChannelException();
        }
        return of(failure);
    }
}
