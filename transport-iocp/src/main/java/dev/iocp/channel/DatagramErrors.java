package dev.iocp.channel;

import dev.iocp.port.Errno;
import dev.iocp.port.PortException;

import java.io.IOException;
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
     * A failed receive's or send's error as the exception NIO's datagram channel would surface:
     * the JDK's classes for what it maps ({@code ECONNREFUSED} is {@link PortUnreachableException},
     * {@code EHOSTUNREACH} {@link NoRouteToHostException}, {@code EPROTO} {@link ProtocolException}),
     * else a {@link SocketException} ({@code EMSGSIZE}, a datagram too large, among them); the
     * message names the errno, and the cause carries it.
     */
    static IOException of(PortException cause) {
        IOException error = switch (cause.errno()) {
            case Errno.ECONNREFUSED -> new PortUnreachableException(cause.getMessage());
            case Errno.EHOSTUNREACH -> new NoRouteToHostException(cause.getMessage());
            case Errno.EPROTO -> new ProtocolException(cause.getMessage());
            default -> new SocketException(cause.getMessage());
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
